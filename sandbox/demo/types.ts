// The shapes the demo's scenarios are written against: what a scenario declares, and the context the
// demo hands it (the cluster, Helm, the load generator, and the runs of the action it starts).
import type { LoadGenerator } from '../loadgen/loadgen.js';
import type { Inputs, RunHandle, RunResult } from './action-runner.js';
import type { ReleaseRead } from './cluster-reads.js';
import type { DemoCluster, DemoClusterSet } from './cluster.js';
import type { CheckRun } from './fake-github.js';
import type { MetricsFilter } from './metrics-filter.js';

export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A finished step of a workflow run, with the labels the demo adds. */
export interface StepResult extends RunResult {
  readonly label: string;
  readonly runId: string;
  readonly checkRunId: number | undefined;
}

export interface StepHandle extends Omit<RunHandle, 'done'> {
  done: Promise<StepResult>;
}

export interface StartRunOptions {
  /** e.g. "deploy", "post", "promote"; without one the run's files go straight into the scenario's directory. */
  readonly label?: string;
  /** dist/index.js (main step) or dist/post/index.js (post step). */
  readonly entry?: string;
  /** Inputs on top of the scenario's. */
  readonly with?: Inputs;
  /** The main step's saved state, for a post step. */
  readonly state?: Record<string, string>;
  /** GITHUB_RUN_ID (the lock's holder); a fresh one per call by default. */
  readonly runId?: string;
  /** GITHUB_RUN_ATTEMPT ("2" for a re-run). */
  readonly runAttempt?: string;
  /** RUNNER_TEMP, shared by a job's main and post steps. */
  readonly runnerTemp?: string;
  readonly env?: Record<string, string>;
}

export interface ScenarioDetails extends Record<string, unknown> {
  runs: Array<Record<string, unknown>>;
  lastResult?: StepResult;
}

export interface DemoContext {
  readonly client: DemoCluster;
  readonly repoRoot: string;
  /** The environment of the demo's own Helm commands (KUBECONFIG, the real Helm first on PATH). */
  readonly env: Record<string, string | undefined>;
  /** The real Helm binary. */
  readonly helmBinary: string;
  readonly loadgen: LoadGenerator;
  helm(argv: string[]): Promise<HelmResult>;
  readonly namespace: string;
  readonly chart: string;
  readonly valuesFile: string;
  readonly stableRelease: string;
  readonly canaryRelease: string;
  readonly details: ScenarioDetails;
  /** The scenario's inputs (a scenario's setup may change them before the first run). */
  readonly inputs: Inputs;
  readonly postEntry: string;
  /** A path in this scenario's directory. */
  dirOf(name: string): string;
  note(text: string): void;
  fail(text: string): void;
  /** Starts one step of a workflow run of the action. */
  run(options?: StartRunOptions): StepHandle;
  /** Extra fields for this scenario's JSON object. */
  fields(more: Record<string, unknown>): void;
  /** The check run with this id as the fake GitHub API holds it now. */
  checkRun(id: number | undefined): CheckRun | undefined;
  /** Scenario scratch state: the stable-vanishes metrics filter, the foreign release before the run. */
  filter?: MetricsFilter;
  foreignBefore?: ReleaseRead;
  /** Every cluster, when a scenario of this demo needs several (`clusters`); member a is `client`. */
  readonly clusterSet?: DemoClusterSet;
}

/** Which run carries a multi-run scenario's decision, report, job summary and check run. */
export interface ScenarioOutcome {
  readonly result?: StepResult;
  readonly reportPath?: string;
  readonly summaryPath?: string;
  readonly checkRunId?: number;
  /** The deciding run installs nothing (refused): figures run from this moment. */
  readonly decisionSince?: number;
  /** The cluster the deciding run ran in, when not the demo's first (its Helm events give the figures). */
  readonly cluster?: DemoCluster;
}

export interface Scenario {
  readonly title: string;
  readonly version: string;
  /** Acceptable decisions (the first is the canonical one). */
  readonly expected: readonly string[];
  /** `set` lines of the canary. */
  readonly set: readonly string[];
  /**
   * The releases the common figures (time to decision, to zero weight) follow, when not the storefront's:
   * a group follows its first release, whose install starts the group.
   */
  readonly figuresFollow?: { readonly stableRelease: string; readonly canaryRelease: string };
  /** How many clusters the scenario needs (default 1); the demo then starts a set (ctx.clusterSet). */
  readonly clusters?: number;
  readonly inputs?: Inputs;
  /** What the job summary must name. */
  readonly evidence?: RegExp;
  /** The scenario may change the stable release although it does not promote. */
  readonly stableMayChange?: boolean;
  /** The scenario's canary is expected to be left installed. */
  readonly leavesCanary?: boolean;
  /** Env of every run of the action (e.g. the failing-helm harness). */
  runEnv?(ctx: DemoContext): Record<string, string>;
  before?(ctx: DemoContext): Promise<void>;
  setup?(ctx: DemoContext): Promise<void>;
  /** Something done to the world while the one main step runs. */
  during?(ctx: DemoContext): Promise<void>;
  after?(ctx: DemoContext): Promise<void>;
  /** A sequence of workflow runs instead of one main step. */
  run?(ctx: DemoContext): Promise<ScenarioOutcome>;
  /** What is read back from the cluster after the runs: the scenario's extra JSON fields. */
  fields?(ctx: DemoContext, result: StepResult): Record<string, unknown> | Promise<Record<string, unknown>>;
}
