// Split the overall false-rollback rate across the tests: a union bound plus Ville's inequality keeps
// P(any false rollback, ever) <= alpha however the metrics depend on each other.
import type { AnalysisSpec } from '../config/spec.js';

export interface AlphaSplit {
  perMetric: Map<string, number>;
  /** The sample-ratio-mismatch test's share. */
  srm: number;
}

/**
 * Metrics with their own `alpha` keep it; the rest of `analysis.alpha` is shared equally by the
 * other metrics and the SRM test. If the given shares leave nothing for SRM, SRM takes an equal
 * share (alpha / (metrics + 1)) and the given shares are scaled down to make room.
 */
export function splitAlpha(analysis: Pick<AnalysisSpec, 'alpha' | 'metrics'>): AlphaSplit {
  const total = analysis.alpha;
  const given = analysis.metrics.filter((m) => m.alpha !== undefined && m.alpha > 0);
  const givenSum = given.reduce((sum, m) => sum + (m.alpha ?? 0), 0);
  const others = analysis.metrics.length - given.length;
  const perMetric = new Map<string, number>();
  let srm: number;
  const remaining = total - givenSum;
  if (remaining > total * 1e-9) {
    const share = remaining / (others + 1);
    srm = share;
    for (const m of analysis.metrics)
      perMetric.set(m.name, m.alpha !== undefined && m.alpha > 0 ? m.alpha : share);
  } else {
    srm = total / (analysis.metrics.length + 1);
    const scale = (total - srm) / givenSum;
    for (const m of analysis.metrics)
      perMetric.set(m.name, m.alpha !== undefined && m.alpha > 0 ? m.alpha * scale : 0);
  }
  return { perMetric, srm };
}

/** Hybrid mode's soft signal: an e-value past the square root of its threshold. */
export function warningLevel(threshold: number): number {
  return Math.sqrt(threshold);
}
