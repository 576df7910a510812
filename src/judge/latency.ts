// Latency regressions as exceedances: at a few bucket bounds L fixed from stable's baseline, a
// request slower than L is a "bad event". Each bound runs two one-sided tests and averages them:
// the two-proportion mixture SPRT (mSPRT, fast when slow requests are common, but only asymptotic,
// so it may not reject before both arms have a few slow requests) and the exact conditional count
// e-process (slow requests as the bad events, requests as the exposure; valid however rare the slow
// requests are, e.g. when stable never reaches the bound). The bounds' e-values are averaged too.
// An average of e-values (of e-processes on the same ticks) is again one, so the metric spends one
// alpha share.
import type { HistogramCounts } from '../metrics/types.js';
import { CountEProcess } from './count-eprocess.js';
import { logNormalCdf } from './math.js';
import { countAbove, histogramQuantile } from './quantile.js';

/** Stable's quantiles whose nearest bucket bounds become the exceedance bounds. */
export const BOUND_QUANTILES: readonly number[] = [0.5, 0.9, 0.99];
/** A bound may not reject before each arm has seen this many slower requests. */
export const MIN_SLOW_PER_ARM = 5;
/**
 * Mixture scale tau as a fraction of the baseline's Bernoulli standard deviation sqrt(p(1-p)) at a
 * bound. JUDGE.md suggests about 0.1; a larger scale puts the mixture's weight on the shifts worth
 * catching early (a 25% slower median moves the p50 exceedance by about 0.15, i.e. 0.3 sd).
 */
export const TAU_SCALE = 0.3;

/** The finite bucket bounds nearest to the baseline's p50, p90 and p99 (distinct, ascending). */
export function chooseBounds(
  baseline: HistogramCounts,
  quantiles: readonly number[] = BOUND_QUANTILES
): number[] {
  const finite = baseline.buckets.map((b) => b.le).filter((le) => Number.isFinite(le));
  if (finite.length === 0 || baseline.count <= 0) return [];
  const chosen = new Set<number>();
  for (const q of quantiles) {
    const value = histogramQuantile(q, baseline);
    if (value === null || !Number.isFinite(value)) continue;
    let best = finite[0];
    for (const le of finite) if (Math.abs(le - value) < Math.abs(best - value)) best = le;
    chosen.add(best);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * log of the one-sided two-proportion mSPRT statistic (JUDGE.md):
 *   Lambda = 2 sqrt(V/(V+tau^2)) exp(tau^2 D^2 / (2V(V+tau^2))) Phi(D tau / sqrt(V(V+tau^2)))
 * with D = p_canary - p_stable and V = pbar(1-pbar)(1/n_canary + 1/n_stable).
 */
export function mixtureSprtLogE(
  slowCanary: number,
  nCanary: number,
  slowStable: number,
  nStable: number,
  tau: number
): number {
  if (nCanary <= 0 || nStable <= 0 || tau <= 0) return 0;
  const pooled = (slowCanary + slowStable) / (nCanary + nStable);
  const v = pooled * (1 - pooled) * (1 / nCanary + 1 / nStable);
  if (v <= 0) return 0;
  const d = slowCanary / nCanary - slowStable / nStable;
  const t2 = tau * tau;
  return (
    Math.LN2 +
    0.5 * Math.log(v / (v + t2)) +
    (t2 * d * d) / (2 * v * (v + t2)) +
    logNormalCdf((d * tau) / Math.sqrt(v * (v + t2)))
  );
}

export interface BoundState {
  /** Bound in the histogram's unit (seconds for Prometheus). */
  le: number;
  tau: number;
  slowCanary: number;
  slowStable: number;
  /** The mSPRT's e-value, capped at 1 until both arms have MIN_SLOW_PER_ARM slow requests. */
  sprtEValue: number;
  /** The conditional count e-process on this bound's slow requests (exact, no minimum count). */
  readonly counts: CountEProcess;
  /** The bound's e-value: the average of the two. */
  eValue: number;
}

export class LatencyExceedanceTest {
  readonly bounds: BoundState[];
  private nCanary = 0;
  private nStable = 0;

  /** `baseline` is stable's cumulative histogram from before the canary started. */
  constructor(baseline: HistogramCounts, bounds: number[] = chooseBounds(baseline)) {
    this.bounds = bounds.map((le) => {
      const p = baseline.count > 0 ? countAbove(baseline, le) / baseline.count : 0.5;
      const floor = 1 / Math.max(100, baseline.count);
      const pClamped = Math.min(1 - floor, Math.max(floor, p));
      return {
        le,
        tau: TAU_SCALE * Math.sqrt(pClamped * (1 - pClamped)),
        slowCanary: 0,
        slowStable: 0,
        sprtEValue: 1,
        counts: new CountEProcess(),
        eValue: 1
      };
    });
  }

  /** Add one tick's histograms (both arms present). */
  update(canary: HistogramCounts, stable: HistogramCounts): void {
    this.nCanary += canary.count;
    this.nStable += stable.count;
    // The count test conditions on each tick's slow requests: under H0 one comes from the canary
    // with the canary's share of that tick's requests.
    const share = canary.count / (canary.count + stable.count);
    for (const bound of this.bounds) {
      const slowCanary = countAbove(canary, bound.le);
      const slowStable = countAbove(stable, bound.le);
      bound.slowCanary += slowCanary;
      bound.slowStable += slowStable;
      bound.counts.update(slowCanary, slowStable, share);
      const e = Math.exp(
        mixtureSprtLogE(bound.slowCanary, this.nCanary, bound.slowStable, this.nStable, bound.tau)
      );
      // Below the minimum count the mSPRT may lower the average but never raise it.
      const mayReject = bound.slowCanary >= MIN_SLOW_PER_ARM && bound.slowStable >= MIN_SLOW_PER_ARM;
      bound.sprtEValue = mayReject ? e : Math.min(e, 1);
      // A new pod's first requests are often slow (cold caches, JIT): the count test, too, waits for
      // MIN_SLOW_PER_ARM slow canary requests before it may raise the average. Gating only lowers the
      // e-process, so Ville's bound still holds.
      const countE =
        bound.slowCanary >= MIN_SLOW_PER_ARM ? bound.counts.eValue : Math.min(bound.counts.eValue, 1);
      bound.eValue = (bound.sprtEValue + countE) / 2;
    }
  }

  get eValue(): number {
    if (this.bounds.length === 0) return 1;
    return this.bounds.reduce((sum, b) => sum + b.eValue, 0) / this.bounds.length;
  }

  get requests(): { canary: number; stable: number } {
    return { canary: this.nCanary, stable: this.nStable };
  }

  /** The bound carrying the most evidence, for the human sentence. */
  strongestBound(): BoundState | null {
    let best: BoundState | null = null;
    for (const b of this.bounds) if (!best || b.eValue > best.eValue) best = b;
    return best;
  }
}
