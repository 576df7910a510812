// Retries for GitHub API calls: transient failures (5xx, 429, rate limits, network) are retried
// with short exponential backoff under a hard time cap; everything else fails at once.

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  /** No retry starts after this much time since the first attempt. */
  maxTotalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'now' | 'sleep'> = {
  attempts: 4,
  baseDelayMs: 500,
  maxTotalMs: 8_000
};

interface HttpLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** HTTP status of an Octokit/axios-style error, or undefined for network errors. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as HttpLikeError | undefined)?.status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

function isRateLimit(error: unknown): boolean {
  const e = error as HttpLikeError;
  const headers = e?.response?.headers ?? {};
  return String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(e?.message ?? '');
}

/** Worth another try: server errors, throttling, and failures without a response. */
export function isTransient(error: unknown): boolean {
  const status = errorStatus(error);
  if (status === undefined) return true;
  if (status >= 500 || status === 429) return true;
  return status === 403 && isRateLimit(error);
}

/** True for "this token may not do that" (no `checks: write`, fork PRs) and unknown resources. */
export function isPermissionDenied(error: unknown): boolean {
  const status = errorStatus(error);
  return (status === 403 && !isRateLimit(error)) || status === 404;
}

function retryAfterMs(error: unknown): number | undefined {
  const value = (error as HttpLikeError)?.response?.headers?.['retry-after'];
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const started = options.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.attempts || !isTransient(error)) throw error;
      const delay = retryAfterMs(error) ?? options.baseDelayMs * 2 ** (attempt - 1);
      if (options.now() - started + delay > options.maxTotalMs) throw error;
      await options.sleep(delay);
    }
  }
}
