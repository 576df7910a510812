// RolloutRecord: the JSON record of a rollout (the `report` output). The reporter renders it,
// `npm run report:preview` reads it back, and the sandbox asserts on it. Keep it stable.
import type { MetricEvidence, VerdictAction } from '../judge/types.js';
import type { PreflightLine } from '../preflight/types.js';

/** `installed`: a first release (no stable yet), installed directly as stable, not canaried. */
export type Decision =
  'promoted' | 'rolled-back' | 'failed' | 'paused' | 'cancelled' | 'none' | 'refused' | 'installed';

export type Phase =
  | 'validating'
  | 'deploying'
  | 'soaking'
  | 'promoting'
  | 'rolling-back'
  | 'paused'
  | 'interrupted'
  | 'installing'
  | 'done';

export type StepOutcome = 'running' | 'passed' | 'rolled-back' | 'failed' | 'paused' | 'cancelled';

export interface StepRecord {
  index: number;
  weight: number;
  startedAt: string;
  endedAt?: string;
  soakedSeconds: number;
  canaryRequests: number;
  stableRequests: number;
  outcome: StepOutcome;
  reason?: string;
}

export interface TickRecord {
  at: string;
  elapsedSeconds: number;
  stepIndex: number;
  weight: number;
  canaryRequests: number | null;
  stableRequests: number | null;
  action: VerdictAction;
  warning?: string;
  unavailable?: string;
  metrics: MetricEvidence[];
}

export interface ReadBack {
  canaryPresent: boolean | null;
  canaryWeight?: number;
  canaryStatus?: string;
  stableStatus?: string;
  stableRevision?: number;
  stableVersion?: string;
}

/** What the preflight found before anything changed (the table in the log and the summary). */
export interface PreflightRecord {
  ok: boolean;
  lines: PreflightLine[];
  /** Default metrics left out because they cannot have data. */
  droppedMetrics: string[];
}

export interface EventRecord {
  at: string;
  /** e.g. deploy-canary, set-weight, promote, rollback, error, signal */
  type: string;
  message: string;
}

export interface RolloutRecord {
  schemaVersion: 1;
  command: string;
  release: string;
  canaryRelease: string;
  namespace: string;
  chart: string;
  chartVersion?: string;
  version: string;
  previousVersion?: string;
  /** Stable's Helm revision just before this run promoted it: `helm rollback <release> <it>` undoes the promotion. */
  previousRevision?: number;
  routing: string;
  steps: number[];
  soakSeconds: number;
  intervalSeconds: number;
  judge: string;
  decisionMode: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt?: string;
  phase: Phase;
  decision?: Decision;
  reason?: string;
  /**
   * The decision taken but not yet carried out (saved before the canary is removed), so the post
   * step finishes it with the same verdict if the runner kills the main step meanwhile.
   */
  pending?: { decision: Decision; reason: string };
  /** What is left to do by hand when the outcome could not be carried out fully (the step then fails). */
  incomplete?: string;
  /** The run ended before any release was changed. */
  nothingDeployed?: boolean;
  /** The preflight's findings, when it ran. */
  preflight?: PreflightRecord;
  /** Both releases as read back from the cluster when the record was finished. */
  readBack?: ReadBack;
  /** Share of traffic on the new version at the end: 100 when promoted or installed, 0 when rolled back, the held weight when paused. */
  finalWeight: number;
  currentWeight: number;
  stepRecords: StepRecord[];
  ticks: TickRecord[];
  events: EventRecord[];
  /** Latest evidence per metric (the last tick's). */
  metrics: MetricEvidence[];
  /** A release group (the `group` input): the file, and one record per release in dependency order. */
  group?: { file: string; alpha: number };
  members?: MemberRecord[];
  /** A group's `releases` output, also in the report file: per release, what it ended as. */
  releases?: ReleaseOutcome[];
  /** Links and ids from the workflow run, when known. */
  run?: { url?: string; sha?: string; repository?: string; runId?: string; workflow?: string; job?: string };
}

/** One release of a group: its own record, and the releases it waited for. */
export interface MemberRecord extends RolloutRecord {
  after: string[];
}

/** One line of the `releases` output. */
export interface ReleaseOutcome {
  release: string;
  canaryRelease: string;
  version: string;
  decision: string;
  reason: string;
  finalWeight: number;
  previousRevision: number | null;
}
