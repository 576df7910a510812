// Quantiles from Prometheus histogram buckets, interpolated exactly as PromQL's histogram_quantile.
import type { HistogramCounts } from '../metrics/types.js';

/**
 * The q-quantile of a cumulative histogram, in the unit of its `le` bounds (seconds for Prometheus).
 * Mirrors histogram_quantile: rank = q * count, find the first bucket whose cumulative count reaches
 * the rank, and interpolate linearly inside it (from 0 for the first bucket when its bound is
 * positive). A rank in the +Inf bucket returns the highest finite bound. Returns null where
 * Prometheus returns NaN (no observations, fewer than two buckets, or no +Inf bucket).
 */
export function histogramQuantile(q: number, histogram: HistogramCounts): number | null {
  if (Number.isNaN(q)) return null;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = histogram.buckets;
  if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return null;
  // Prometheus repairs non-monotonic cumulative counts (scrape races) by carrying the maximum.
  const counts: number[] = [];
  let running = 0;
  for (const bucket of buckets) {
    running = Math.max(running, bucket.count);
    counts.push(running);
  }
  const observations = counts[counts.length - 1];
  if (observations === 0) return null;
  let rank = q * observations;
  let b = 0;
  while (b < counts.length && counts[b] < rank) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].le;
  if (b === 0 && buckets[0].le <= 0) return buckets[0].le;
  let start = 0;
  let inBucket = counts[b];
  if (b > 0) {
    start = buckets[b - 1].le;
    inBucket -= counts[b - 1];
    rank -= counts[b - 1];
  }
  const end = buckets[b].le;
  return start + (end - start) * (rank / inBucket);
}

/** Requests slower than `le`: total minus the cumulative count at that bound (0 when absent). */
export function countAbove(histogram: HistogramCounts, le: number): number {
  for (const bucket of histogram.buckets) {
    if (bucket.le === le) return Math.max(0, histogram.count - bucket.count);
  }
  return 0;
}

/** Sum of two cumulative histograms over the same bounds (bounds only in one side are kept as-is). */
export function addHistograms(a: HistogramCounts | null, b: HistogramCounts): HistogramCounts {
  if (!a) return { count: b.count, buckets: b.buckets.map((x) => ({ le: x.le, count: x.count })) };
  if (sameBounds(a, b)) {
    return {
      count: a.count + b.count,
      buckets: a.buckets.map((x, i) => ({ le: x.le, count: x.count + b.buckets[i].count }))
    };
  }
  const byLe = new Map<number, number>();
  for (const x of a.buckets) byLe.set(x.le, x.count);
  for (const x of b.buckets) byLe.set(x.le, (byLe.get(x.le) ?? 0) + x.count);
  const buckets = [...byLe.entries()].sort((x, y) => x[0] - y[0]).map(([le, count]) => ({ le, count }));
  return { count: a.count + b.count, buckets };
}

function sameBounds(a: HistogramCounts, b: HistogramCounts): boolean {
  if (a.buckets.length !== b.buckets.length) return false;
  for (let i = 0; i < a.buckets.length; i++) if (a.buckets[i].le !== b.buckets[i].le) return false;
  return true;
}

/**
 * Share of observations above `value`, interpolating linearly inside its bucket as
 * histogram_quantile does (the inverse of it). Above the highest finite bound: the +Inf bucket's share.
 */
export function fractionAbove(histogram: HistogramCounts, value: number): number {
  const total = histogram.count;
  if (total <= 0) return 0;
  let previousLe = 0;
  let previousCount = 0;
  for (const bucket of histogram.buckets) {
    if (!Number.isFinite(bucket.le)) break;
    if (value <= bucket.le) {
      const start = Math.min(previousLe, value);
      const span = bucket.le - start;
      const below =
        previousCount + (span > 0 ? ((bucket.count - previousCount) * (value - start)) / span : 0);
      return Math.max(0, (total - below) / total);
    }
    previousLe = bucket.le;
    previousCount = bucket.count;
  }
  return Math.max(0, (total - previousCount) / total);
}
