// CheckRunReporter: the rollout as a GitHub check run on the pull request's head commit.
// Created in progress at start, updated at each step change and at most every 30 s in a soak,
// completed with a conclusion at the end. It never throws: without `checks: write` it warns once
// and switches itself off; transient errors are retried briefly; the rollout always goes on.
import * as core from '@actions/core';
import type { RolloutRecord } from '../rollout/record.js';
import type { StepLocation } from './annotations.js';
import { rollbackAnnotations } from './annotations.js';
import {
  createBody,
  defaultCheckName,
  updateBody,
  type CreateCheckRunBody,
  type UpdateCheckRunBody
} from './request-body.js';
import { errorStatus, isPermissionDenied, isTransient } from './github-errors.js';
import { retry } from '../retry.js';
import { errorMessage } from '../error-message.js';
import type { Reporter } from './types.js';
import { headSha } from './head-sha.js';

interface CheckRunData {
  id: number;
  html_url?: string | null;
  external_id?: string | null;
}

/** How often a create is tried in one call; before every try but the first, GitHub is asked first. */
export interface CreateRetry {
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_CREATE_RETRY: CreateRetry = { attempts: 4, baseDelayMs: 500 };

/** The part of `getOctokit(token)` this reporter uses; tests pass a recording fake. */
export interface ChecksClient {
  rest: {
    checks: {
      create(
        params: CreateCheckRunBody & { owner: string; repo: string; request?: { signal?: AbortSignal } }
      ): Promise<{ data: CheckRunData }>;
      /** Check runs of one name on one commit: finds a run whose create answered 5xx but happened. */
      listForRef?(params: {
        owner: string;
        repo: string;
        ref: string;
        check_name: string;
        filter?: 'latest' | 'all';
        request?: { signal?: AbortSignal };
      }): Promise<{ data: { check_runs: CheckRunData[] } }>;
      update(
        params: UpdateCheckRunBody & {
          owner: string;
          repo: string;
          check_run_id: number;
          request?: { signal?: AbortSignal };
        }
      ): Promise<{ data: CheckRunData }>;
    };
  };
}

/** The part of `@actions/github`'s context this reporter uses. */
export interface CheckRunContext {
  repo: { owner: string; repo: string };
  sha: string;
  payload: { pull_request?: { [key: string]: unknown; head?: { sha?: string } } };
  serverUrl?: string;
  runId?: number;
}

export interface CheckRunInfo {
  id: number;
  url?: string;
}

export interface CheckRunReporterOptions {
  octokit: ChecksClient;
  context: CheckRunContext;
  /** Check name; default `canary / <release>`. */
  name?: string;
  /** Resume an existing check run (the post step) instead of creating one. */
  checkRunId?: number;
  checkRunUrl?: string;
  /** Where the workflow step is, for the rollback annotation. */
  stepLocation?: StepLocation;
  /** Workflow file name for the "how to continue" commands. */
  workflowFile?: string;
  /** Minimum time between two progress updates within one step. */
  updateIntervalMs?: number;
  /** Per-request time limit. */
  requestTimeoutMs?: number;
  /** Creates are retried here (updates by @octokit/plugin-retry in the real client). */
  retry?: Partial<CreateRetry>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called once the check run exists (save its id for the post step, set outputs). */
  onCreated?: (info: CheckRunInfo) => void;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 30_000;

export class CheckRunReporter implements Reporter {
  private info?: CheckRunInfo;
  private disabled = false;
  private finished = false;
  private lastKey?: string;
  private lastSentAt = -Infinity;
  private tail: Promise<unknown> = Promise.resolve();
  private warnings = 0;
  /** A create was sent: before another, look for the one GitHub may have made despite an error. */
  private createSent = false;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: CheckRunReporterOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    if (options.checkRunId !== undefined) this.info = { id: options.checkRunId, url: options.checkRunUrl };
  }

  /** The check run, once created or resumed. */
  get checkRun(): CheckRunInfo | undefined {
    return this.info;
  }

  /**
   * Continue the check run of an earlier run that died mid-soak (its id is read back from the
   * canary's marks). Only before this reporter created one; a completed check run cannot be
   * changed on GitHub, so callers adopt only runs left in progress.
   */
  adopt(id: number): void {
    if (this.info) return;
    this.info = { id };
    this.options.onCreated?.(this.info);
  }

  /** False after a permission error: nothing more will be sent. */
  get enabled(): boolean {
    return !this.disabled;
  }

  async start(record: RolloutRecord): Promise<void> {
    this.remember(record);
    await this.serial(() => (this.info ? this.patch(record) : this.create(record)));
  }

  async update(record: RolloutRecord): Promise<void> {
    if (this.disabled || this.finished) return;
    const key = progressKey(record);
    const due = key !== this.lastKey || this.now() - this.lastSentAt >= this.interval;
    if (!due) return;
    this.remember(record);
    await this.serial(() =>
      this.finished ? undefined : this.info ? this.patch(record) : this.create(record)
    );
  }

  async finish(record: RolloutRecord): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const annotations = rollbackAnnotations(record, this.options.stepLocation);
    await this.serial(() => (this.info ? this.patch(record, annotations) : this.create(record, annotations)));
  }

  private get interval(): number {
    return this.options.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS;
  }

  private remember(record: RolloutRecord): void {
    this.lastKey = progressKey(record);
    this.lastSentAt = this.now();
  }

  /** One request at a time, in order, so a late progress update never overwrites the completion. */
  private serial(fn: () => Promise<void> | undefined): Promise<void> {
    const run = this.tail.then(() => (this.disabled ? undefined : fn()));
    this.tail = run.catch(() => undefined);
    return run.catch((error) => this.fail(error));
  }

  private name(record: RolloutRecord): string {
    return this.options.name || defaultCheckName(record.release);
  }

  private headSha(): string {
    return headSha(this.options.context);
  }

  private detailsUrl(record: RolloutRecord): string | undefined {
    if (record.run?.url) return record.run.url;
    const { context } = this.options;
    if (!context.serverUrl || !context.runId) return undefined;
    return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
  }

  private async create(record: RolloutRecord, annotations?: CreateCheckRunBody['output']['annotations']) {
    const body = createBody(
      record,
      { name: this.name(record), headSha: this.headSha(), detailsUrl: this.detailsUrl(record) },
      { workflowFile: this.options.workflowFile, annotations, completedAt: this.completedAt(record) }
    );
    const policy = { ...DEFAULT_CREATE_RETRY, ...this.options.retry };
    const data = await retry(
      async () => {
        const existing = this.createSent ? await this.findCreated(body) : undefined;
        if (existing) return { ...existing, adopted: true };
        this.createSent = true;
        // Never retried by the client: a create that answered 5xx may still have happened.
        const created = await this.call((signal) =>
          this.options.octokit.rest.checks.create({
            ...this.options.context.repo,
            ...body,
            request: { signal, retries: 0 } as { signal: AbortSignal }
          })
        );
        return { ...created.data, adopted: false };
      },
      {
        attempts: policy.attempts,
        delayMs: policy.baseDelayMs,
        retryable: isTransient,
        sleep: (ms) => this.sleep(ms)
      }
    );
    this.info = { id: data.id, url: data.html_url ?? undefined };
    this.options.onCreated?.(this.info);
    // A run found on GitHub has the old body: bring it up to date.
    if (data.adopted) await this.patch(record, annotations);
  }

  /** This run's check run, if an earlier create made it although it answered with an error. */
  private async findCreated(body: CreateCheckRunBody): Promise<CheckRunData | undefined> {
    const list = this.options.octokit.rest.checks.listForRef;
    if (!list) return undefined;
    const { data } = await this.call((signal) =>
      list({
        ...this.options.context.repo,
        ref: body.head_sha,
        check_name: body.name,
        filter: 'all',
        request: { signal }
      })
    );
    return data.check_runs.find((run) => run.external_id === body.external_id);
  }

  private async patch(record: RolloutRecord, annotations?: UpdateCheckRunBody['output']['annotations']) {
    const id = this.info!.id;
    const body = updateBody(record, {
      workflowFile: this.options.workflowFile,
      annotations,
      completedAt: this.completedAt(record)
    });
    const { data } = await this.call((signal) =>
      this.options.octokit.rest.checks.update({
        ...this.options.context.repo,
        check_run_id: id,
        ...body,
        request: { signal }
      })
    );
    if (data?.html_url && !this.info?.url) this.info = { id, url: data.html_url };
  }

  private completedAt(record: RolloutRecord): string | undefined {
    return record.decision && !record.finishedAt ? new Date(this.now()).toISOString() : undefined;
  }

  /** One request under its own time limit. */
  private call<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return request(AbortSignal.timeout(this.options.requestTimeoutMs ?? 8_000));
  }

  private fail(error: unknown): void {
    if (isPermissionDenied(error)) {
      this.disabled = true;
      core.warning(
        `The canary check run is off: GitHub answered HTTP ${errorStatus(error)} (${messageOf(error)}). ` +
          'Give the job `permissions: checks: write` (pull requests from forks get a read-only token). ' +
          'The rollout goes on; the report is in the job summary.'
      );
      return;
    }
    // Keep the log readable when GitHub is down for a while: a few warnings, then silence.
    if (++this.warnings > 3) return;
    const status = errorStatus(error);
    core.warning(
      `Could not ${this.info ? 'update' : 'create'} the canary check run (${status ? `HTTP ${status}` : 'network error'}: ${messageOf(error)}); the rollout goes on.`
    );
  }
}

/** Changes that deserve an immediate update: a new step, weight, phase or outcome. */
function progressKey(record: RolloutRecord): string {
  const last = record.stepRecords[record.stepRecords.length - 1];
  return [
    record.phase,
    record.decision ?? '',
    record.currentWeight,
    record.stepRecords.length,
    last?.outcome ?? ''
  ].join('|');
}

function messageOf(error: unknown): string {
  return errorMessage(error).split('\n')[0].slice(0, 200);
}
