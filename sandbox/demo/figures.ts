// The per-scenario figures, from what the action wrote (its outputs and rollout record) and what the
// cluster showed (Helm's release operations and the canary's weight on its Ingress or HTTPRoute, from
// Kubernetes watches) and the load generator's accounting of the storefront's answers.
//   secondsToDecision:   canary install -> the promote/rollback decision
//   secondsToZeroWeight: decision -> the canary getting no traffic: its routing object at weight 0 or
//                        gone, and no answer from a canary pod after that (null when promoted, or when
//                        the decision deployed nothing: refused, paused, none)
import fs from 'node:fs';
import type { TrackCounts } from '../loadgen/loadgen.js';
import type { ReleaseEvent, WeightEntry } from './cluster-watch.js';

/** The parts of the action's rollout record the figures read. */
export interface RolloutRecordLike {
  decision?: string;
  finishedAt?: string;
  ticks?: Array<{ action?: string; at: string }>;
  events?: Array<{ type: string; at: string }>;
}

/** One scenario's JSON object (the `--json` contract; the demo adds kubernetesVersion). */
export interface Figures {
  scenario: string;
  decision: string;
  expected: string;
  secondsToDecision: number | null;
  secondsToZeroWeight: number | null;
  canaryBadRequests: number;
  requestsFailedByRouting: number;
  requestsTotal: number;
  report: string | null;
  summary: string;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);
const round1 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

export function readRecord(file: string): RolloutRecordLike | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RolloutRecordLike;
  } catch {
    return undefined;
  }
}

/** When the canary was installed: Helm's first install of the canary release in this run. */
export function canaryInstalledAt({
  events,
  canaryRelease,
  since
}: {
  events: readonly ReleaseEvent[];
  canaryRelease: string;
  since: number;
}): number {
  const install = events.find((e) => e.release === canaryRelease && e.op === 'install' && ms(e.at) >= since);
  return install ? ms(install.at) : NaN;
}

/**
 * When the action decided. In order: the tick whose verdict was `rollback`; an event the record names
 * as the decision (rollback/promote); the first Helm operation that acts on it (the stable upgrade for
 * a promotion, weight 0 or uninstall of the canary for a rollback); the record's finishedAt.
 */
export function decisionAt({
  record,
  events,
  decision,
  canaryRelease,
  stableRelease,
  installedAt
}: {
  record: RolloutRecordLike | undefined;
  events: readonly ReleaseEvent[];
  decision: string;
  canaryRelease: string;
  stableRelease: string;
  installedAt: number;
}): { at: number; source: string } {
  const after = (e: ReleaseEvent): boolean => ms(e.at) > installedAt;
  const sources: Array<[string, number]> = [];
  const rollbackTick = record?.ticks?.find((t) => t.action === 'rollback');
  if (decision !== 'promoted' && rollbackTick) sources.push(['tick', ms(rollbackTick.at)]);
  // A cancellation is decided by the runner's signal, which the record logs as a `signal` event.
  const pattern =
    decision === 'promoted'
      ? /promot/i
      : decision === 'cancelled'
        ? /signal|cancel/i
        : /roll|fail|error|abort/i;
  const recordEvent = record?.events?.find((e) => pattern.test(e.type) && ms(e.at) > installedAt);
  if (recordEvent) sources.push(['record-event', ms(recordEvent.at)]);
  const op =
    decision === 'promoted'
      ? events.find((e) => after(e) && e.release === stableRelease && e.op === 'upgrade')
      : events.find(
          (e) =>
            after(e) &&
            e.release === canaryRelease &&
            (e.op === 'uninstall' || (e.op === 'upgrade' && e.weight === 0))
        );
  if (op) sources.push(['helm-op', ms(op.at)]);
  if (record?.finishedAt) sources.push(['record-finished', ms(record.finishedAt)]);
  const found = sources.find(([, t]) => Number.isFinite(t));
  return found ? { at: found[1], source: found[0] } : { at: NaN, source: 'none' };
}

/** First moment after the decision from which the canary gets nothing: weight 0 or removed, and no more answers. */
export function zeroWeightAt({
  weightLog,
  lastServedAt,
  canaryRelease,
  decidedAt
}: {
  weightLog: readonly WeightEntry[];
  lastServedAt: Readonly<Record<string, number>>;
  canaryRelease: string;
  decidedAt: number;
}): number {
  const entry = weightLog.find(
    (e) =>
      ms(e.at) >= decidedAt - 1 &&
      (e.canaryRelease !== canaryRelease || e.canaryWeight === 0 || e.removed === true)
  );
  if (!entry) return NaN;
  // Sticky (affinity) or targeted sessions can still reach the canary after its weight is 0.
  const last = lastServedAt[canaryRelease] ?? 0;
  return Math.max(ms(entry.at), last);
}

/** Decisions after which no canary of this run is left to take traffic away from. */
const NO_ZERO_WEIGHT = new Set(['promoted', 'refused', 'paused', 'none', 'installed']);

/** The JSON object the demo prints for a scenario (exactly these fields). */
export function scenarioFigures({
  scenario,
  expected,
  outputs,
  record,
  reportPath,
  summaryPath,
  events,
  weightLog,
  lastServedAt,
  window,
  canaryRelease,
  stableRelease,
  since,
  decisionSince
}: {
  scenario: string;
  expected: string;
  outputs: Readonly<Record<string, string>>;
  record: RolloutRecordLike | undefined;
  reportPath: string | undefined;
  summaryPath: string;
  events: readonly ReleaseEvent[];
  weightLog: readonly WeightEntry[];
  lastServedAt: Readonly<Record<string, number>>;
  window: { tracks: Record<string, TrackCounts> };
  canaryRelease: string;
  stableRelease: string;
  since: number;
  /**
   * Where to look for the canary's install (default `since`); a scenario whose deciding run installs
   * nothing (a refused deploy) passes that run's start, so the figure runs from it.
   */
  decisionSince?: number;
}): Figures {
  const decision = outputs.decision || record?.decision || 'none';
  const installed = canaryInstalledAt({ events, canaryRelease, since: decisionSince ?? since });
  const installedAt = Number.isFinite(installed) ? installed : (decisionSince ?? NaN);
  const decided = decisionAt({ record, events, decision, canaryRelease, stableRelease, installedAt });
  const zeroAt = NO_ZERO_WEIGHT.has(decision)
    ? NaN
    : zeroWeightAt({ weightLog, lastServedAt, canaryRelease, decidedAt: decided.at });
  const canary: Partial<TrackCounts> = window.tracks.canary ?? {};
  const tracks = Object.values(window.tracks);
  return {
    scenario,
    decision,
    expected,
    secondsToDecision: round1((decided.at - installedAt) / 1000),
    secondsToZeroWeight: NO_ZERO_WEIGHT.has(decision)
      ? null
      : round1(Math.max(0, zeroAt - decided.at) / 1000),
    canaryBadRequests:
      (canary.status5xx ?? 0) + (canary.upstreamFailures ?? 0) + (canary.checkoutsFailed ?? 0),
    requestsFailedByRouting: tracks.reduce((n, t) => n + (t.routingFailures ?? 0), 0),
    requestsTotal: tracks.reduce((n, t) => n + (t.requests ?? 0), 0),
    report: reportPath ?? null,
    summary: summaryPath
  };
}
