// Split the overall false-rollback rate across the tests: a union bound plus Ville's inequality keeps
// P(any false rollback, ever) <= alpha however the metrics depend on each other.
import type { AnalysisSpec } from '../config/spec.js';

/**
 * The sample-ratio test's share of alpha. It is small on purpose: SRM exists to catch a canary
 * that gets no traffic or crashed, where one tick at ordinary traffic multiplies its e-value by
 * e^50 or more, so a smaller share costs it nothing, while every share it does not take sharpens
 * the metrics' tests (an equal share would cost the 5xx test a third of its alpha with two metrics).
 */
export const SRM_ALPHA_FRACTION = 0.05;

export interface AlphaSplit {
  perMetric: Map<string, number>;
  /** The sample-ratio-mismatch test's share. */
  srm: number;
}

/**
 * SRM takes SRM_ALPHA_FRACTION of `analysis.alpha`. Metrics with their own `alpha` keep it; the
 * rest is shared equally by the other metrics. If the given shares exceed what is left after SRM,
 * they are scaled down proportionally so that the total stays `analysis.alpha`.
 */
export function splitAlpha(analysis: Pick<AnalysisSpec, 'alpha' | 'metrics'>): AlphaSplit {
  const total = analysis.alpha;
  const srm = analysis.metrics.length === 0 ? total : total * SRM_ALPHA_FRACTION;
  const forMetrics = total - srm;
  const hasOwn = (alpha: number | undefined): alpha is number => alpha !== undefined && alpha > 0;
  const givenSum = analysis.metrics.reduce((sum, m) => sum + (hasOwn(m.alpha) ? m.alpha : 0), 0);
  const others = analysis.metrics.filter((m) => !hasOwn(m.alpha)).length;
  const scale = givenSum > forMetrics || (others === 0 && givenSum > 0) ? forMetrics / givenSum : 1;
  const share = others > 0 ? Math.max(0, forMetrics - givenSum * scale) / others : 0;
  const perMetric = new Map<string, number>();
  for (const m of analysis.metrics) perMetric.set(m.name, hasOwn(m.alpha) ? m.alpha * scale : share);
  return { perMetric, srm };
}

/** Hybrid mode's soft signal: an e-value past the square root of its threshold. */
export function warningLevel(threshold: number): number {
  return Math.sqrt(threshold);
}
