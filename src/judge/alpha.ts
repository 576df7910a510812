// Split the overall false-rollback rate across the tests: a union bound plus Ville's inequality keeps
// P(any false rollback, ever) <= alpha however the metrics depend on each other.
import type { AnalysisSpec, MetricSpec } from '../config/spec.js';

/**
 * The sample-ratio test's share of alpha. It is small on purpose: SRM exists to catch a canary
 * that gets no traffic or crashed, where one tick at ordinary traffic multiplies its e-value by
 * e^50 or more, so a smaller share costs it nothing, while every share it does not take sharpens
 * the metrics' tests (an equal share would cost the 5xx test a third of its alpha with two metrics).
 * 1% (threshold 2000 at alpha 0.05) still crosses within one 10 s tick for a dead canary at 50 rps.
 */
export const SRM_ALPHA_FRACTION = 0.01;

/**
 * Relative weight of each metric kind in the default split (metrics without their own `alpha`).
 * Any fixed split that sums to alpha keeps the union bound valid; the split only decides where
 * the test is sharpest. Errors get the most: a 5xx regression is the commonest sign of a bad
 * release and the costliest per second, and its evidence arrives in a few discrete events per
 * tick, so a lower threshold lets it stop a tick earlier. Latency evidence comes from every
 * request, so a higher threshold costs it less time. Chosen on the benchmark (docs/judge.md,
 * "Combining metrics"): 95/5 with SRM at 1% puts the 5xx threshold at 21.3 with two metrics and
 * 24.5 with the three defaults, under the 25 that two canary errors against a clean stable reach at
 * a 20% canary, so a new error is rolled back at its second occurrence. Against 90/10 it costs the
 * 10%-slower latency class one 10 s tick and leaves the other latency classes' medians as they were.
 * A conversion sequence only catches gross drops at ordinary traffic (see JUDGE.md); its weight
 * was not re-tuned (the benchmark does not simulate it).
 */
export const KIND_ALPHA_WEIGHTS: Readonly<Record<MetricSpec['kind'], number>> = {
  errors: 0.95,
  latency: 0.05,
  ratio: 0.15
};

export interface AlphaSplit {
  perMetric: Map<string, number>;
  /** The sample-ratio-mismatch test's share. */
  srm: number;
}

/**
 * The default shares of `alpha` for the given metrics: proportional to KIND_ALPHA_WEIGHTS,
 * normalised over the metrics present, so they sum to `alpha`.
 */
export function defaultAlphaShares(
  metrics: ReadonlyArray<Pick<MetricSpec, 'kind'>>,
  alpha: number
): number[] {
  const total = metrics.reduce((sum, m) => sum + KIND_ALPHA_WEIGHTS[m.kind], 0);
  return metrics.map((m) => (total > 0 ? (alpha * KIND_ALPHA_WEIGHTS[m.kind]) / total : 0));
}

/**
 * SRM takes SRM_ALPHA_FRACTION of `analysis.alpha`. Metrics with their own `alpha` keep it; the
 * rest share what is left by kind (defaultAlphaShares). If the given shares exceed what is left
 * after SRM, they are scaled down proportionally so that the total stays `analysis.alpha`. When every
 * metric has its own share and they sum to less, the rest is left unused: the rollout is as strict as asked.
 */
export function splitAlpha(analysis: Pick<AnalysisSpec, 'alpha' | 'metrics'>): AlphaSplit {
  const total = analysis.alpha;
  const srm = analysis.metrics.length === 0 ? total : total * SRM_ALPHA_FRACTION;
  const forMetrics = total - srm;
  const hasOwn = (alpha: number | undefined): alpha is number => alpha !== undefined && alpha > 0;
  const givenSum = analysis.metrics.reduce((sum, m) => sum + (hasOwn(m.alpha) ? m.alpha : 0), 0);
  const others = analysis.metrics.filter((m) => !hasOwn(m.alpha));
  // Given shares are kept as written, so a stricter test than alpha is never loosened; only shares that
  // would exceed what is left after SRM are scaled down to fit.
  const scale = givenSum > forMetrics ? forMetrics / givenSum : 1;
  const left = Math.max(0, forMetrics - givenSum * scale);
  const shares = defaultAlphaShares(others, left);
  const perMetric = new Map<string, number>();
  others.forEach((m, i) => perMetric.set(m.name, shares[i]));
  for (const m of analysis.metrics) if (hasOwn(m.alpha)) perMetric.set(m.name, m.alpha * scale);
  return { perMetric, srm };
}

/** Hybrid mode's soft signal: an e-value past the square root of its threshold. */
export function warningLevel(threshold: number): number {
  return Math.sqrt(threshold);
}
