// What every metric's evidence row does the same way: the sentence of a breached guard, the
// guard field, and how missing data turns a row into `no-data`.
import type { GuardResult } from './guards.js';
import type { MetricEvidence, MetricStatus } from './types.js';

/** "5xx rate 7% on canary over the last 60 s is above the 5% limit (stable 0.5%)". */
export function guardBreachSentence(
  title: string,
  guard: GuardResult,
  format: (value: number | null) => string,
  stable: number | null
): string {
  const past = guard.comparator === '<=' ? 'above' : 'below';
  const bound = guard.comparator === '<=' ? 'limit' : 'minimum';
  return (
    `${title} ${format(guard.value)} on canary over the last ${guard.windowSeconds} s ` +
    `is ${past} the ${format(guard.limit)} ${bound} (stable ${format(stable)})`
  );
}

/** The evidence row's `guard` field, absent when the metric has no guard. */
export function guardField(guard: GuardResult | undefined): Pick<MetricEvidence, 'guard'> {
  return guard
    ? { guard: { limit: guard.limit, comparator: guard.comparator, breached: guard.breached } }
    : {};
}

export interface DataState {
  title: string;
  /** Either arm has data over the rollout so far. */
  hasData: boolean;
  /** Why this tick taught the metric nothing (missingArms), or null. */
  missing: string | null;
  /** What there is none of, for the "no data yet" sentence ("no requests", "no events"). */
  nothing: string;
}

/**
 * A row that has not failed: with no data at all it says so; with an arm missing this tick it is
 * `no-data` (a warning stays a warning) and the sentence says what is missing.
 */
export function withDataState(
  status: MetricStatus,
  sentence: string,
  data: DataState
): { status: MetricStatus; sentence: string } {
  if (!data.hasData) {
    return { status: 'no-data', sentence: `${data.title}: no data yet (${data.missing ?? data.nothing})` };
  }
  if (data.missing) {
    return { status: status === 'warn' ? 'warn' : 'no-data', sentence: `${sentence}; ${data.missing}` };
  }
  return { status, sentence };
}
