// One-sided mixture e-process for "bad events out of events", conditioned on the events.
//
// Under H0 (canary no worse) a bad event of tick t comes from the canary with probability
// theta0_t = n_canary / (n_canary + n_stable), the canary's share of that tick's exposure. If the
// canary's rate is r times stable's, that probability is theta_r = r*theta0 / (r*theta0 + 1 - theta0).
// E_t = sum_j pi_j prod_s (theta_j/theta0)^(bad_canary) ((1-theta_j)/(1-theta0))^(bad_stable)
// is a non-negative martingale under H0, so Ville's inequality bounds P(ever E_t >= 1/alpha) by alpha.
// r = Infinity (CANARY_ONLY) is the limit theta -> 1, "bad events only on the canary": its factor is
// (1/theta0)^(bad_canary) while stable has none, and 0 for good after stable's first bad event.
import { logSumExp } from './math.js';

/** The grid ratio for "bad events only on the canary" (stable has none): the limit theta_r -> 1. */
export const CANARY_ONLY = Infinity;

/** JUDGE.md's grid of canary-to-stable ratios; the latency count test still uses it (the default). */
export const REGRESSION_GRID: readonly number[] = [1.25, 1.5, 2, 3, 5, 10];
/** The weights the latency count test uses over REGRESSION_GRID (normalized). */
export const REGRESSION_WEIGHTS: readonly number[] = [1, 1, 2, 3, 4, 3];

/** The probability that an event comes from the canary when its rate is r times stable's. */
export function alternativeShare(r: number, theta0: number): number {
  if (r === CANARY_ONLY) return 1;
  return (r * theta0) / (r * theta0 + 1 - theta0);
}

/**
 * Log of one tick's likelihood ratio for ratio r: the factor the tick multiplies E by. For
 * CANARY_ONLY a stable bad event gives -Infinity: that component is out for good.
 */
export function tickLogFactor(r: number, theta0: number, badCanary: number, badStable: number): number {
  const theta = alternativeShare(r, theta0);
  let log = 0;
  if (badCanary > 0) log += badCanary * Math.log(theta / theta0);
  if (badStable > 0) log += badStable * Math.log((1 - theta) / (1 - theta0));
  return log;
}

/** What every count e-process offers: feed a tick, read the e-value (in log space). */
export interface CountTest {
  /** false when the tick taught nothing (no events, or one arm without exposure). */
  update(badCanary: number, badStable: number, theta0: number): boolean;
  readonly logEValue: number;
  readonly eValue: number;
}

/** A tick teaches something only with events and a split where both arms had exposure. */
export function isInformative(badCanary: number, badStable: number, theta0: number): boolean {
  return theta0 > 0 && theta0 < 1 && badCanary + badStable > 0;
}

export class CountEProcess implements CountTest {
  private readonly logWeights: number[];
  private readonly logProducts: number[];
  private readonly terms: number[];
  /** Ticks that carried at least one event with a usable split. */
  informativeTicks = 0;

  constructor(
    readonly grid: readonly number[] = REGRESSION_GRID,
    weights: readonly number[] | undefined = grid === REGRESSION_GRID ? REGRESSION_WEIGHTS : undefined
  ) {
    if (grid.length === 0) throw new Error('CountEProcess: the ratio grid must not be empty');
    if (weights && weights.length !== grid.length)
      throw new Error('CountEProcess: one weight per grid ratio');
    if (weights && weights.some((x) => !(x >= 0)))
      throw new Error('CountEProcess: weights must be non-negative numbers');
    const w = weights ?? grid.map(() => 1 / grid.length);
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new Error('CountEProcess: the weights must not all be zero');
    this.logWeights = w.map((x) => Math.log(x / total));
    this.logProducts = grid.map(() => 0);
    this.terms = grid.map(() => 0);
  }

  /**
   * Feed one tick. `theta0` is the canary's share of the tick's exposure. A tick without events, or
   * whose split is degenerate (one arm had no exposure), multiplies E by 1: it teaches nothing.
   */
  update(badCanary: number, badStable: number, theta0: number): boolean {
    if (!isInformative(badCanary, badStable, theta0)) return false;
    for (let j = 0; j < this.grid.length; j++) {
      this.logProducts[j] += tickLogFactor(this.grid[j], theta0, badCanary, badStable);
    }
    this.informativeTicks++;
    return true;
  }

  get logEValue(): number {
    for (let j = 0; j < this.grid.length; j++) this.terms[j] = this.logWeights[j] + this.logProducts[j];
    return logSumExp(this.terms);
  }

  get eValue(): number {
    return Math.exp(this.logEValue);
  }
}
