// How much of the errors test to bet on "errors only on the canary" before the canary has served a
// request, from stable's own record: the cumulative counters read before the canary exists
// (`Judge.begin`'s baseline). The choice is a function of data from before the rollout, so it is fixed
// before any tick is seen and the test stays an e-process whatever it is (docs/judge.md); it only
// decides where the test is sharpest.

/** The largest share ever moved onto "only the canary errs" (chosen on the benchmark). */
export const MAX_CANARY_ONLY_SHARE = 0.98;
/**
 * The horizon, in stable requests, over which stable must stay error-free for the canary-only
 * component to pay: it is zeroed by stable's first error.
 */
export const CANARY_ONLY_HORIZON_REQUESTS = 1000;

/**
 * The share to move onto the canary-only component, given stable's baseline of `bad` out of `total`
 * events: MAX_CANARY_ONLY_SHARE times the chance (Jeffreys posterior predictive) that stable shows
 * no bad event in its next CANARY_ONLY_HORIZON_REQUESTS requests. About 0.87 after 30,000 clean
 * requests, 0.55 after 1,000, under 0.01 once stable has a handful of bad events.
 */
export function canaryOnlyShare(
  baseline: { bad: number; total: number } | null | undefined,
  maxShare = MAX_CANARY_ONLY_SHARE
): number {
  if (!baseline || !(baseline.total > 0) || !(baseline.bad >= 0)) return 0;
  const { bad, total } = baseline;
  const errorFree = (total / (total + CANARY_ONLY_HORIZON_REQUESTS)) ** (bad + 0.5);
  return maxShare * errorFree;
}
