// Polls a check until it passes, with a deadline that names what was awaited and the last failure.
import { setTimeout as sleep } from 'node:timers/promises';

export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, lastProblem: string) {
    super(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}: ${lastProblem}`);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked before each attempt: a dead process fails the wait at once instead of at the deadline. */
  readonly abortIf?: () => string | undefined;
}

/** `check` returns undefined when done, or a sentence saying what is not there yet. */
export async function waitUntil(
  check: () => Promise<string | undefined>,
  options: WaitOptions
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'not checked yet';
  for (;;) {
    const abort = options.abortIf?.();
    if (abort) throw new Error(`${options.what}: ${abort}`);
    try {
      const problem = await check();
      if (problem === undefined) return;
      lastProblem = problem;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(options.what, options.timeoutMs, lastProblem);
    await sleep(options.intervalMs ?? 250);
  }
}
