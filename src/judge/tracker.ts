// What every metric tracker does for the judge: take each tick, then describe itself as evidence.
import type { ArmObservation, ArmPair, TickObservation } from '../metrics/types.js';
import type { MetricEvidence } from './types.js';

export interface MetricTracker {
  observe(tick: TickObservation): void;
  evidence(): MetricEvidence;
}

/** Whether the tracker runs its statistical test (sequential judge) or only shows values and guards. */
export interface TrackerOptions {
  sequential: boolean;
  /** This metric's alpha share; the test rejects at e-value >= 1/alpha. */
  alpha: number;
}

/** The metric's arms in this tick (none when the tick is unavailable) and why any is missing. */
export function metricPair(
  tick: TickObservation,
  name: string
): { pair: ArmPair<ArmObservation> | undefined; missing: string | null } {
  const pair = tick.unavailable ? undefined : tick.metrics[name];
  return { pair, missing: missingArms(tick, pair) };
}

/** Why a tick taught a metric nothing, or null when both arms carried data. */
export function missingArms(tick: TickObservation, pair: ArmPair<ArmObservation> | undefined): string | null {
  if (tick.unavailable) return `no sample this tick (${tick.unavailable})`;
  if (!pair || (!pair.canary && !pair.stable)) return 'no series for either arm this tick';
  if (!pair.canary) return 'no canary series this tick';
  if (!pair.stable) return 'no stable series this tick';
  return null;
}

/** The arm observation of the wanted kind, or null (a mismatched kind is treated as missing). */
export function armOf<K extends ArmObservation['kind']>(
  observation: ArmObservation | null | undefined,
  kind: K
): Extract<ArmObservation, { kind: K }> | null {
  return observation && observation.kind === kind
    ? (observation as Extract<ArmObservation, { kind: K }>)
    : null;
}

/** E-values can exceed double range in log space; evidence carries a finite number (JSON-safe). */
export function finiteEValue(e: number): number {
  return Number.isFinite(e) ? e : e > 0 ? Number.MAX_VALUE : 0;
}
