// Sample-ratio mismatch: does the canary get the share of requests its weight promises? The same
// conditional count e-process, with requests as the events and theta0 = the configured share,
// tested for a DEFICIT (ratios below 1). A canary that crashed or gets no traffic drives it up fast;
// a router that is merely imprecise (the share off by less than about a third) does not.
import { CountEProcess } from './count-eprocess.js';

/** Canary-share ratios (observed / configured) the mixture weighs: half the traffic down to none. */
export const DEFICIT_GRID: readonly number[] = [0.5, 0.25, 0.1, 0.01];

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
    const used = this.process.update(canaryRequests, stableRequests, weightShare(weightPercent));
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
