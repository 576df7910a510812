// Static guards on the canary alone (max error rate, max latency quantile, min ratio). They apply
// under both judges. A guard looks at the last minute of canary data, reaching further back when
// that minute holds too few events to tell (so one unlucky request at low traffic cannot trip it).

export const GUARD_WINDOW_SECONDS = 60;
/** A guard judges only once the window would hold this many events at the limit. */
export const GUARD_MIN_EVENTS_AT_LIMIT = 5;
/** "Near its limit" for the hybrid warning: within 80% of the limit. */
export const GUARD_NEAR_FRACTION = 0.8;

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
  breached: boolean;
  near: boolean;
}

/** Guard "value <= limit" (errors, latency). */
export function maxGuard(value: number | null, limit: number, windowSeconds: number): GuardResult {
  const breached = value !== null && value > limit;
  const near = value !== null && !breached && value >= GUARD_NEAR_FRACTION * limit;
  return { limit, comparator: '<=', value, windowSeconds, breached, near };
}

/** Guard "value >= limit" (business ratios). */
export function minGuard(value: number | null, limit: number, windowSeconds: number): GuardResult {
  const breached = value !== null && value < limit;
  const near = value !== null && !breached && value * GUARD_NEAR_FRACTION <= limit;
  return { limit, comparator: '>=', value, windowSeconds, breached, near };
}

/** Events a window needs before a guard at `limit` (a fraction) may judge it. */
export function minEventsForFraction(limit: number): number {
  return limit > 0 ? Math.ceil(GUARD_MIN_EVENTS_AT_LIMIT / limit) : Infinity;
}
