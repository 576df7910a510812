// Sends each state change to every enabled reporter in parallel, each call under a time limit, so
// one slow or broken reporter can neither block the others nor delay a rollback.
import * as core from '@actions/core';
import type { RolloutRecord } from '../rollout/record.js';
import type { Reporter } from './types.js';
import { abortable, isTimeout } from '../abortable.js';
import { errorMessage } from '../error-message.js';

export interface NamedReporter {
  name: string;
  reporter: Reporter;
}

export interface FanOutTimeouts {
  /** start and update; the engine's own guard is 15 s, so stay below it. */
  progressMs: number;
  finishMs: number;
}

export const DEFAULT_FAN_OUT_TIMEOUTS: FanOutTimeouts = { progressMs: 10_000, finishMs: 12_000 };

export class FanOutReporter implements Reporter {
  constructor(
    readonly reporters: NamedReporter[],
    private readonly timeouts: FanOutTimeouts = DEFAULT_FAN_OUT_TIMEOUTS
  ) {}

  start(record: RolloutRecord): Promise<void> {
    return this.all('start', record, this.timeouts.progressMs);
  }

  update(record: RolloutRecord): Promise<void> {
    return this.all('update', record, this.timeouts.progressMs);
  }

  finish(record: RolloutRecord): Promise<void> {
    return this.all('finish', record, this.timeouts.finishMs);
  }

  private async all(method: keyof Reporter, record: RolloutRecord, ms: number): Promise<void> {
    await Promise.all(this.reporters.map((r) => guarded(r, method, record, ms)));
  }
}

async function guarded(
  r: NamedReporter,
  method: keyof Reporter,
  record: RolloutRecord,
  ms: number
): Promise<void> {
  const call = Promise.resolve().then(() => r.reporter[method](record));
  try {
    await abortable(call, AbortSignal.timeout(ms));
  } catch (error) {
    if (isTimeout(error)) {
      core.warning(
        `Reporting to the ${r.name} took longer than ${ms / 1000} s (${method}); the rollout goes on.`
      );
      call.catch(() => undefined);
      return;
    }
    core.warning(
      `Reporting to the ${r.name} failed (${method}): ${errorMessage(error)}; the rollout goes on.`
    );
  }
}
