// Prometheus histogram `_bucket` series -> HistogramCounts: per-`le` sums over all other labels
// (pods, routes, codes), bounds ascending with +Inf (Infinity) last.
import type { CounterSeries, HistogramCounts } from './types.js';

function parseLe(le: string): number {
  if (le === '+Inf' || le === 'Inf') return Number.POSITIVE_INFINITY;
  return Number(le);
}

/** `series` are counts per bucket (deltas or cumulative values); those without a numeric `le` are skipped. */
export function histogramFromBuckets(series: CounterSeries[]): HistogramCounts | undefined {
  const byLe = new Map<number, number>();
  for (const s of series) {
    if (s.labels.le === undefined) continue;
    const le = parseLe(s.labels.le);
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  if (byLe.size === 0) return undefined;
  const buckets = [...byLe].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count }));
  // Buckets are cumulative. Per-series resets can leave a lower bound above a higher one by a few
  // counts; keep the histogram monotone so quantiles stay defined.
  for (let i = 1; i < buckets.length; i++) {
    buckets[i].count = Math.max(buckets[i].count, buckets[i - 1].count);
  }
  return { buckets, count: buckets[buckets.length - 1].count };
}
