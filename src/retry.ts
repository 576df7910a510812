// The one retry helper of the codebase (GitHub calls use @octokit/plugin-retry instead): a few
// attempts with growing pauses, for operations that may heal, such as removing the canary or
// querying Prometheus. Pure: the caller passes the sleep (the Clock port's, so tests never wait).

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Pause before the second attempt; doubles after each failure, up to maxDelayMs. */
  delayMs: number;
  maxDelayMs?: number;
  /** Whether a failure may heal; default: every failure may. */
  retryable?: (error: unknown) => boolean;
  /** Told about each failed attempt that will be retried. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep: (ms: number) => Promise<void>;
}

/** Runs `work` until it succeeds or the policy gives up; then throws the last error. */
export async function retry<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !(policy.retryable?.(error) ?? true)) throw error;
      const delay = Math.min(policy.delayMs * 2 ** (attempt - 1), policy.maxDelayMs ?? Infinity);
      policy.onRetry?.(error, attempt, delay);
      await policy.sleep(delay);
    }
  }
}
