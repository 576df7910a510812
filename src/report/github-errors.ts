// How to read an error from the GitHub API (Octokit): transient (5xx, 429, rate limits, network)
// or not, and "this token may not do that". Retries themselves live in @octokit/plugin-retry
// (updates) and src/retry.ts (creates, which must look before they try again).

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

export function retryAfterMs(error: unknown): number | undefined {
  const value = (error as HttpLikeError)?.response?.headers?.['retry-after'];
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
