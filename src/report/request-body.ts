// The bodies of the Checks API requests (create and update), built from a record. Pure, so the
// reporter, `npm run report:preview` and the schema tests all see exactly the same thing.
import type { Decision, RolloutRecord } from '../rollout/record.js';
import { isoSeconds } from '../format.js';
import { MAX_ANNOTATIONS } from './limits.js';
import { renderCheckOutput, type RenderOptions } from './markdown.js';

export type CheckConclusion = 'success' | 'failure' | 'cancelled' | 'action_required' | 'neutral';

export type CheckAnnotation = {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
};

export type CheckOutputBody = {
  title: string;
  summary: string;
  text: string;
  annotations?: CheckAnnotation[];
};

export type CreateCheckRunBody = {
  name: string;
  head_sha: string;
  status: 'in_progress' | 'completed';
  started_at: string;
  external_id?: string;
  details_url?: string;
  conclusion?: CheckConclusion;
  completed_at?: string;
  output: CheckOutputBody;
};

export type UpdateCheckRunBody = {
  status: 'in_progress' | 'completed';
  conclusion?: CheckConclusion;
  completed_at?: string;
  output: CheckOutputBody;
};

const CONCLUSIONS: Record<Decision, CheckConclusion> = {
  promoted: 'success',
  'rolled-back': 'failure',
  failed: 'failure',
  cancelled: 'cancelled',
  paused: 'action_required',
  none: 'neutral',
  // A refused deploy means this version was not canaried; a grey check would read as "fine".
  refused: 'failure',
  // A first release went out as stable: it did what was asked (the title says it was not canaried).
  installed: 'success'
};

export function conclusionFor(decision: Decision): CheckConclusion {
  return CONCLUSIONS[decision];
}

/** The default check name: unique per release so parallel releases get their own checks. */
export function defaultCheckName(release: string): string {
  return `canary / ${release}`;
}

/** Identifies the check run on our side: one rollout of one version of one release. */
export function externalIdFor(record: RolloutRecord): string {
  const run = record.run?.runId ? `#${record.run.runId}` : '';
  return `${record.namespace}/${record.release}@${record.version}${run}`;
}

export interface BodyOptions extends RenderOptions {
  annotations?: CheckAnnotation[];
  /** ISO time of completion; defaults to the record's finishedAt. */
  completedAt?: string;
}

function output(record: RolloutRecord, options: BodyOptions): CheckOutputBody {
  const out: CheckOutputBody = { ...renderCheckOutput(record, options) };
  if (options.annotations?.length) out.annotations = options.annotations.slice(0, MAX_ANNOTATIONS);
  return out;
}

function completion(record: RolloutRecord, options: BodyOptions) {
  if (!record.decision) return { status: 'in_progress' as const };
  return {
    status: 'completed' as const,
    conclusion: conclusionFor(record.decision),
    completed_at: isoSeconds(options.completedAt ?? record.finishedAt ?? Date.now())
  };
}

/** `POST /repos/{owner}/{repo}/check-runs`: in progress, or completed at once for a decided record. */
export function createBody(
  record: RolloutRecord,
  identity: { name: string; headSha: string; detailsUrl?: string },
  options: BodyOptions = {}
): CreateCheckRunBody {
  const body: CreateCheckRunBody = {
    name: identity.name,
    head_sha: identity.headSha,
    external_id: externalIdFor(record),
    started_at: isoSeconds(record.startedAt),
    ...completion(record, options),
    output: output(record, options)
  };
  if (identity.detailsUrl) body.details_url = identity.detailsUrl;
  return body;
}

/** `PATCH /repos/{owner}/{repo}/check-runs/{id}`: progress, or the completion once decided. */
export function updateBody(record: RolloutRecord, options: BodyOptions = {}): UpdateCheckRunBody {
  return { ...completion(record, options), output: output(record, options) };
}
