// Static guards on the canary alone (max error rate, max latency quantile, min ratio). They apply
// under both judges. A guard looks at the last minute of canary data, reaching further back when
// that minute holds too few events to tell, and trips only when the limit is breached with 99%
// confidence (a one-sided Wilson bound), so that noise around the limit cannot roll a canary back.

export const GUARD_WINDOW_SECONDS = 60;
/** A guard judges only once the window would hold this many events at the limit. */
export const GUARD_MIN_EVENTS_AT_LIMIT = 5;
/** "Near its limit" for the hybrid warning: within 80% of the limit. */
export const GUARD_NEAR_FRACTION = 0.8;
/** One-sided 99% normal quantile for the guards' confidence bounds. */
export const GUARD_Z = 2.326;

/** Wilson score interval for k successes out of n (k clamped to n), at normal quantile z. */
export function wilsonInterval(k: number, n: number, z = GUARD_Z): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = Math.min(1, Math.max(0, k / n));
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

export interface WindowEntry<T> {
  /** Seconds since the canary started, at the end of the tick. */
  at: number;
  value: T;
}

export interface WindowSum<T> {
  sum: T | null;
  /** Seconds covered, from the oldest entry used to `now`. */
  seconds: number;
  enough: boolean;
}

/**
 * Sum the entries of the last GUARD_WINDOW_SECONDS; while the sum is not `enough`, keep adding
 * older entries (back to the start of the rollout).
 */
export function recentWindow<T>(
  entries: ReadonlyArray<WindowEntry<T>>,
  now: number,
  add: (acc: T | null, value: T) => T,
  enough: (acc: T) => boolean,
  windowSeconds = GUARD_WINDOW_SECONDS
): WindowSum<T> {
  let sum: T | null = null;
  let oldest = now;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    const inWindow = entry.at > now - windowSeconds;
    if (!inWindow && sum !== null && enough(sum)) break;
    sum = add(sum, entry.value);
    // The entry covers the interval since the previous one.
    oldest = i > 0 ? entries[i - 1].at : 0;
  }
  return { sum, seconds: now - oldest, enough: sum !== null && enough(sum) };
}

export interface GuardResult {
  limit: number;
  comparator: '<=' | '>=';
  /** The canary's value over the guard's window; null when there was not enough data. */
  value: number | null;
  windowSeconds: number;
  /** The limit is breached with 99% confidence. */
  breached: boolean;
  /** The value itself is past the limit (breached or not yet proven). */
  past: boolean;
  near: boolean;
}

/**
 * Guard "value <= limit" (errors, latency). `confidentAbove`: the data show, at 99% confidence,
 * that the canary is past the limit (e.g. the Wilson lower bound of its error rate exceeds it).
 */
export function maxGuard(
  value: number | null,
  limit: number,
  windowSeconds: number,
  confidentAbove: boolean
): GuardResult {
  const past = value !== null && value > limit;
  const breached = past && confidentAbove;
  const near = value !== null && !breached && value >= GUARD_NEAR_FRACTION * limit;
  return { limit, comparator: '<=', value, windowSeconds, breached, past, near };
}

/** Guard "value >= limit" (business ratios); `confidentBelow` as in maxGuard. */
export function minGuard(
  value: number | null,
  limit: number,
  windowSeconds: number,
  confidentBelow: boolean
): GuardResult {
  const past = value !== null && value < limit;
  const breached = past && confidentBelow;
  const near = value !== null && !breached && value * GUARD_NEAR_FRACTION <= limit;
  return { limit, comparator: '>=', value, windowSeconds, breached, past, near };
}

/** Events a window needs before a guard at `limit` (a fraction) may judge it. */
export function minEventsForFraction(limit: number): number {
  return limit > 0 ? Math.ceil(GUARD_MIN_EVENTS_AT_LIMIT / limit) : Infinity;
}

/** Events out of events, e.g. 5xx out of requests or checkouts out of sessions. */
export interface Fraction {
  num: number;
  den: number;
}

export const addFraction = (acc: Fraction | null, v: Fraction): Fraction => ({
  num: (acc?.num ?? 0) + v.num,
  den: (acc?.den ?? 0) + v.den
});

/**
 * Guard on a fraction of the canary's recent events: `max` (errors) trips when the fraction is
 * above `limit` with 99% confidence, `min` (business ratios) when it is below.
 */
export function fractionGuard(
  history: ReadonlyArray<WindowEntry<Fraction>>,
  now: number,
  limit: number,
  direction: 'max' | 'min'
): GuardResult {
  const need = minEventsForFraction(limit);
  const w = recentWindow(history, now, addFraction, (acc) => acc.den >= need);
  const sum = w.enough ? w.sum : null;
  const value = sum ? sum.num / sum.den : null;
  const bounds = sum ? wilsonInterval(sum.num, sum.den) : null;
  return direction === 'max'
    ? maxGuard(value, limit, w.seconds, bounds !== null && bounds.lower > limit)
    : minGuard(value, limit, w.seconds, bounds !== null && bounds.upper < limit);
}
