// Sample-ratio mismatch: does the canary get a share of requests anywhere near what its weight
// promises? The same conditional count e-process, with requests as the events, tested for a DEFICIT
// (ratios below 1) against a conservative null: the canary gets at least HALF its configured share.
// Its job is to catch a canary that crashed or is not routed (share ~0), and it does so within a tick
// or two at the default 30 s interval. Testing "share == weight" instead fires on healthy canaries: with session affinity
// (ingress-nginx cookies, Istio consistentHash) requests arrive in per-session bundles, so the counts
// vary several times more than a binomial, and sessions pinned to stable before a weight change keep
// the canary's share low for a while. Between half the weight and the weight, the test drifts down.
// Requests are also counted in bundles of REQUESTS_PER_UNIT (the log-likelihood ratio is tempered by
// 1/REQUESTS_PER_UNIT): for bundles of at most that many requests routed together, the tempered
// factor still has expectation <= 1 under H0 (Jensen), so the test stays valid when sessions
// bundle requests, and the null's margin absorbs longer sessions.
import { CountEProcess } from './count-eprocess.js';

/** Canary-share ratios (observed / the null's share) the mixture weighs: half of it down to none. */
export const DEFICIT_GRID: readonly number[] = [0.5, 0.25, 0.1, 0.01];

/** H0: the canary's share of requests is at least this fraction of its configured share. */
export const NULL_SHARE_OF_WEIGHT = 0.5;

/**
 * Requests per independently routed unit the test assumes (its evidence is divided by this). 2 keeps
 * simulated heavy affinity (sessions of 5 requests on average, geometric) under the SRM's alpha share
 * while a dead canary at 50 rps and a 10% weight is still caught in one 10 s tick (three 3 s ticks).
 */
export const REQUESTS_PER_UNIT = 2;

/** Weights in the spec and the ticks are percentages of traffic, as in `steps`. */
export function weightShare(weightPercent: number): number {
  return Math.min(1, Math.max(0, weightPercent / 100));
}

export class SampleRatioTest {
  private readonly process = new CountEProcess(DEFICIT_GRID);
  canaryRequests = 0;
  stableRequests = 0;

  /** One tick: requests per arm (a missing canary arm counts as 0 when stable has traffic). */
  update(canaryRequests: number, stableRequests: number, weightPercent: number): boolean {
    const theta0 = weightShare(weightPercent) * NULL_SHARE_OF_WEIGHT;
    const used = this.process.update(
      canaryRequests / REQUESTS_PER_UNIT,
      stableRequests / REQUESTS_PER_UNIT,
      theta0
    );
    if (used) {
      this.canaryRequests += canaryRequests;
      this.stableRequests += stableRequests;
    }
    return used;
  }

  get eValue(): number {
    return this.process.eValue;
  }
}
