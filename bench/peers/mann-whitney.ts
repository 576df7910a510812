// Mann-Whitney (Wilcoxon rank-sum) location shift: the Hodges-Lehmann estimate (median of all
// pairwise differences) and its distribution-free confidence interval, with the normal
// approximation for the rank of the cut-off difference.
import { normalQuantile } from '../../src/judge/math.js';

export interface ShiftInterval {
  estimate: number;
  lower: number;
  upper: number;
}

/** Interval for the shift x - y at `confidence`, or null when the samples are too small to give one. */
export function mannWhitneyShift(
  x: readonly number[],
  y: readonly number[],
  confidence: number
): ShiftInterval | null {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return null;
  const diffs = new Float64Array(m * n);
  let k = 0;
  for (const xi of x) for (const yj of y) diffs[k++] = xi - yj;
  diffs.sort();
  const total = diffs.length;
  const mid = total >> 1;
  const estimate = total % 2 === 1 ? diffs[mid] : (diffs[mid - 1] + diffs[mid]) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const cut = Math.floor(total / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  if (cut < 0) return null;
  return { estimate, lower: diffs[cut], upper: diffs[total - 1 - cut] };
}
