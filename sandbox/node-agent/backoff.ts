// CrashLoopBackOff: the delay before a crashed container is started again. The kubelet starts at
// 10 s and doubles up to 5 min; the sandbox caps at 40 s so that a crashing canary is seen crashing
// again within a demo's soak, and forgets the back-off after a container ran for 2 minutes.

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_CAP_MS = 40_000;
export const BACKOFF_RESET_AFTER_RUNNING_MS = 120_000;

/** Delay before the next start, given how many back-offs came before it in this crash loop. */
export function crashLoopDelayMs(backoffsSoFar: number): number {
  return Math.min(BACKOFF_INITIAL_MS * 2 ** backoffsSoFar, BACKOFF_CAP_MS);
}
