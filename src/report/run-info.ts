// Links to the workflow run and the commit, from the runner's environment. The engine may leave
// `record.run` empty; the reporters fill it in so every report links back to its run.
import type { RolloutRecord } from '../rollout/record.js';

export type RunInfo = NonNullable<RolloutRecord['run']>;

export function runInfoFromEnv(env: NodeJS.ProcessEnv, headSha?: string): RunInfo | undefined {
  const repository = env.GITHUB_REPOSITORY;
  const runId = env.GITHUB_RUN_ID;
  if (!repository || !runId) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const attempt = Number(env.GITHUB_RUN_ATTEMPT);
  const info: RunInfo = {
    url: `${server}/${repository}/actions/runs/${runId}${attempt > 1 ? `/attempts/${attempt}` : ''}`,
    repository,
    runId
  };
  const sha = headSha || env.GITHUB_SHA;
  if (sha) info.sha = sha;
  if (env.GITHUB_WORKFLOW) info.workflow = env.GITHUB_WORKFLOW;
  if (env.GITHUB_JOB) info.job = env.GITHUB_JOB;
  return info;
}

/** The record with `run` filled from `info` where the record itself says nothing. */
export function withRunInfo(record: RolloutRecord, info: RunInfo | undefined): RolloutRecord {
  if (!info) return record;
  return { ...record, run: { ...info, ...stripUndefined(record.run ?? {}) } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
