// Per-series counter deltas with Prometheus's counter-reset rule, from raw instant-query values.
//
// - A series is identified by its full label set minus __name__ (sorted), so `le`, `code`, `pod`
//   and `instance` all keep series apart; each histogram bucket is its own counter series.
// - A counter that went down either restarted or is jitter, told apart by how far it fell:
//   - a drop to less than half the previous value is a reset (a pod restarted and counts from
//     zero): the delta is the new value, as in Prometheus's increase();
//   - a smaller dip (HA Prometheus pairs behind one URL answering in turn, scrape jitter) is not
//     a reset: the delta is 0 and the higher previous value stays the reference, so the counts
//     are neither added again as new errors now nor counted twice when the value catches up.
// - A series absent from the reference but present now was born after the reference was taken (a
//   new pod, a first 5xx code, a canary's first requests): its counters started at zero then, so its
//   full value is the delta.
// - A series missing from a read keeps its last value, so a failed scrape (Prometheus marks all the
//   target's series stale) does not count a pod's whole history again when it comes back...
// - ...unless its process restarted meanwhile: when any series of the same scrape target (same
//   `instance`/`pod` labels) resets, the target's absent series are forgotten, so e.g. a `code="503"`
//   series that reappears after a restart counts from zero instead of from its pre-restart value.
// Limitation: a reset followed by growth past half the old value between two reads counts as a dip
// (the delta is then too small by what was counted since the restart); and a reset followed by growth past the old value between two reads, on a target whose
// other series all vanished too, looks like growth; the delta is then too small by the old value.
import type { CounterSeries } from './types.js';

export interface SnapshotEntry {
  value: number;
  /** The scrape target the series came from (`instance`, `pod`), when its labels say. */
  target?: string;
}

/** Last known value per series key. */
export type CounterSnapshot = ReadonlyMap<string, SnapshotEntry>;

export function seriesKey(labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .filter(([name]) => name !== '__name__')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(pairs);
}

/** Identity of the process that exposes a series: its scrape target and pod. */
export function targetOf(labels: Record<string, string>): string | undefined {
  if (labels.instance === undefined && labels.pod === undefined) return undefined;
  return JSON.stringify([labels.instance ?? '', labels.pod ?? '']);
}

/** A counter below this share of its previous value restarted from zero; above it, it only dipped. */
export const RESET_FRACTION = 0.5;

/** True when `current` is a restart of a counter that read `previous`, not a dip (see the header). */
export function isReset(previous: number, current: number): boolean {
  return current < previous * RESET_FRACTION;
}

/** The increase of one counter from `previous` (undefined: born since) to `current`. */
export function counterDelta(previous: number | undefined, current: number): number {
  if (previous === undefined) return current;
  if (current >= previous) return current - previous;
  return isReset(previous, current) ? current : 0;
}

/**
 * Values of a read keyed by series. Series that collide once __name__ is dropped (a query over
 * several metric names with the same labels) are summed. NaN/Inf are not counter values: skipped.
 */
export function readOf(series: CounterSeries[]): Map<string, CounterSeries> {
  const out = new Map<string, CounterSeries>();
  for (const s of series) {
    if (!Number.isFinite(s.value)) continue;
    const key = seriesKey(s.labels);
    const labels = { ...s.labels };
    delete labels.__name__;
    out.set(key, { labels, value: (out.get(key)?.value ?? 0) + s.value });
  }
  return out;
}

/** The reference a first read establishes: every series' current value, no deltas. */
export function referenceOf(current: CounterSeries[]): CounterSnapshot {
  return new Map(
    [...readOf(current)].map(([key, s]) => [key, { value: s.value, target: targetOf(s.labels) }])
  );
}

export interface DeltaResult {
  /** One entry per series present in `current`, with its increase since `reference`. */
  deltas: CounterSeries[];
  /** The reference for the next read: `reference` updated with `current`. */
  snapshot: Map<string, SnapshotEntry>;
  /** Keys present in `current`. */
  present: Set<string>;
  /** Targets with at least one series that reset in this read. */
  restarted: Set<string>;
}

export function takeDeltas(reference: CounterSnapshot, current: CounterSeries[]): DeltaResult {
  const snapshot = new Map(reference);
  const deltas: CounterSeries[] = [];
  const present = new Set<string>();
  const restarted = new Set<string>();
  for (const [key, { labels, value }] of readOf(current)) {
    const previous = reference.get(key)?.value;
    const target = targetOf(labels);
    const reset = previous !== undefined && isReset(previous, value);
    if (reset && target !== undefined) restarted.add(target);
    deltas.push({ labels, value: counterDelta(previous, value) });
    // A dip keeps the higher value as the reference, so catching up is not counted again.
    const dipped = previous !== undefined && value < previous && !reset;
    snapshot.set(key, { value: dipped ? previous : value, target });
    present.add(key);
  }
  return { deltas, snapshot, present, restarted };
}

/** Drop remembered series of restarted targets that were absent from this read (see the header). */
export function forgetRestarted(
  snapshot: Map<string, SnapshotEntry>,
  present: Set<string>,
  restarted: Set<string>
): void {
  if (restarted.size === 0) return;
  for (const [key, entry] of snapshot) {
    if (!present.has(key) && entry.target !== undefined && restarted.has(entry.target)) snapshot.delete(key);
  }
}

export function sumValues(series: CounterSeries[]): number {
  return series.reduce((total, s) => total + s.value, 0);
}
