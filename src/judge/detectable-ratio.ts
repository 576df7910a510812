// How small an error regression the rollout's plan can confirm at all. The errors test conditions on
// error events: under a canary r times as bad as stable, an event comes from the canary with
// probability theta_r instead of theta0 = w, and each event carries KL(theta_r || theta0) nats on
// average. Over the plan's steps that adds up to the expected log e-value of the test that knew r.
// A ratio whose expected total stays under the threshold cannot be confirmed within the plan even by
// that test, so weight the errors test puts on it is wasted (errors-test.ts).
import { alternativeShare } from './count-eprocess.js';
import { bernoulliKl } from './math.js';
import type { PlannedStep } from './types.js';

/** What the errors test knows before its first informative tick (all fixed before it is fed). */
export interface ErrorsOutlook {
  /** Requests per second to both arms together. */
  requestsPerSecond: number;
  /** Stable's bad-event rate per request. */
  stableRate: number;
  /** The steps still to soak, in order. */
  plan: readonly PlannedStep[];
  /** ln(1 / alpha) of the errors metric: the log e-value that rolls back. */
  logThreshold: number;
}

/**
 * Expected log e-value, over the whole plan, of the count test betting exactly on ratio r when the
 * canary is r times as bad as stable: events per second times nats per event, summed over steps.
 * A step at 0% or 100% has no split to learn from and adds nothing.
 */
export function planInformation(r: number, outlook: ErrorsOutlook): number {
  let nats = 0;
  for (const step of outlook.plan) {
    const w = step.weight;
    if (!(w > 0 && w < 1) || !(step.seconds > 0)) continue;
    const eventsPerSecond = outlook.requestsPerSecond * outlook.stableRate * (r * w + 1 - w);
    nats += step.seconds * eventsPerSecond * bernoulliKl(alternativeShare(r, w), w);
  }
  return nats;
}

/** A rate from `bad` of `total` events with Jeffreys' half event, so a clean record is small, never 0. */
export function jeffreysRate(bad: number, total: number): number {
  return (bad + 0.5) / (total + 1);
}

/** The largest ratio looked at: past it every plan with events confirms (the limit is "canary only"). */
const MAX_RATIO = 1e6;

/**
 * The smallest canary/stable ratio whose expected information over the plan reaches the threshold
 * (planInformation grows with r), to 0.1%; about 1 when even a ratio just above 1 would, Infinity when no
 * ratio would (no traffic, no stable errors, or no step with both arms).
 */
export function smallestDetectableRatio(outlook: ErrorsOutlook): number {
  const enough = (r: number): boolean => planInformation(r, outlook) >= outlook.logThreshold;
  if (!enough(MAX_RATIO)) return Infinity;
  let low = 1;
  let high = MAX_RATIO;
  while (high / low > 1.001) {
    const mid = Math.sqrt(low * high);
    if (enough(mid)) high = mid;
    else low = mid;
  }
  return high;
}
