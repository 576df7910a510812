// A predictable plug-in alternative to the grid mixture for the count test: each tick's factor is the
// likelihood ratio at a ratio r_hat estimated from the PAST ticks only, so it is fixed before the tick
// is seen, and the product of the factors is still a test supermartingale under H0 (r <= 1).
//
// The estimate: given stable's bad events s_i in tick i, a canary r times as bad would show
// r * s_i * theta0_i / (1 - theta0_i) canary bad events on average (the odds of the canary's share).
// So r_hat = (C + a) / (D + b), C the canary's bad events so far, D = sum_i s_i theta0_i/(1-theta0_i),
// with a prior of b "expected canary events" at ratio priorRatio (a = priorRatio * b), clipped to
// [1, maxRatio]: a ratio below 1 is H0 (the factor would be 1 at r = 1, so nothing is bet), and the
// ceiling keeps a single stable event from zeroing the product (theta_r stays below 1).
import { isInformative, tickLogFactor, type CountTest } from './count-eprocess.js';

export interface PluginOptions {
  /** The ratio bet on before any evidence (and the prior's centre). */
  priorRatio: number;
  /** The prior's weight, in expected canary events at ratio 1. */
  priorEvents: number;
  /** The largest ratio ever bet on. */
  maxRatio: number;
}

export class PluginCountEProcess implements CountTest {
  private canaryEvents = 0;
  private parityEvents = 0;
  private log = 0;

  constructor(readonly options: PluginOptions) {
    const { priorRatio, priorEvents, maxRatio } = options;
    if (!(priorRatio >= 1 && maxRatio >= priorRatio && priorEvents > 0 && Number.isFinite(maxRatio)))
      throw new Error(
        'PluginCountEProcess: expected 1 <= priorRatio <= maxRatio < Infinity and priorEvents > 0'
      );
  }

  /** The ratio the next tick is bet on: a function of the past ticks only (predictable). */
  get ratio(): number {
    const { priorRatio, priorEvents, maxRatio } = this.options;
    const estimate = (this.canaryEvents + priorRatio * priorEvents) / (this.parityEvents + priorEvents);
    return Math.min(maxRatio, Math.max(1, estimate));
  }

  update(badCanary: number, badStable: number, theta0: number): boolean {
    if (!isInformative(badCanary, badStable, theta0)) return false;
    this.log += tickLogFactor(this.ratio, theta0, badCanary, badStable);
    this.canaryEvents += badCanary;
    this.parityEvents += (badStable * theta0) / (1 - theta0);
    return true;
  }

  get logEValue(): number {
    return this.log;
  }

  get eValue(): number {
    return Math.exp(this.log);
  }
}
