// Sends record updates to the Reporter in order, in the background, each call capped in time.
// Reporting must never delay or block a rollback, so the engine never awaits a report directly.
import type { Reporter } from '../report/types.js';
import type { RolloutRecord } from './record.js';
import type { Logger } from './ports.js';
import { errorMessage } from '../error-message.js';
import { abortable, isTimeout } from '../abortable.js';

const CALL_TIMEOUT_MS = 15_000;

/** The call, or a "timed out" error after `ms`: the call itself is left to finish in the background. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return abortable(promise, AbortSignal.timeout(ms)).catch((error: unknown) => {
    throw isTimeout(error) ? new Error(`${what} timed out after ${ms} ms`) : error;
  });
}

export class ReportQueue {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly reporter: Reporter,
    private readonly log: Logger
  ) {}

  start(record: RolloutRecord): void {
    this.enqueue('start', () => this.reporter.start(record));
  }

  update(record: RolloutRecord): void {
    this.enqueue('update', () => this.reporter.update(record));
  }

  finish(record: RolloutRecord): void {
    this.enqueue('finish', () => this.reporter.finish(record));
  }

  /** Waits for queued reports, but never longer than `capMs`. */
  async drain(capMs = CALL_TIMEOUT_MS * 2): Promise<void> {
    await abortable(this.chain, AbortSignal.timeout(capMs)).catch(() => undefined);
  }

  private enqueue(what: string, call: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => withTimeout(Promise.resolve().then(call), CALL_TIMEOUT_MS, `reporting (${what})`))
      .catch((error: unknown) => {
        this.log.warning(`Reporting (${what}) failed, the rollout goes on: ${errorMessage(error)}`);
      });
  }
}
