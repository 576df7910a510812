// Facts derived from a RolloutRecord that several renderers need (weight at the decision,
// time to the decision, the metric that decided). Pure.
import type { MetricEvidence } from '../judge/types.js';
import type { RolloutRecord, StepRecord } from '../rollout/record.js';
import { secondsBetween } from '../format.js';

/** The step in force at the end (the last one started). */
export function lastStep(record: RolloutRecord): StepRecord | undefined {
  return record.stepRecords[record.stepRecords.length - 1];
}

/** The weight the canary held when the decision was taken (currentWeight is 0 after removal). */
export function weightAtDecision(record: RolloutRecord): number {
  return lastStep(record)?.weight ?? record.currentWeight;
}

/** Seconds from the canary's install to the decision: the last tick's clock, else wall time. */
export function secondsToDecision(record: RolloutRecord): number {
  const lastTick = record.ticks[record.ticks.length - 1];
  const wall = secondsBetween(record.startedAt, record.finishedAt ?? lastStep(record)?.endedAt);
  if (lastTick && (wall === undefined || record.decision === 'rolled-back')) return lastTick.elapsedSeconds;
  return wall ?? lastTick?.elapsedSeconds ?? 0;
}

/** Total wall time of the rollout so far. */
export function secondsElapsed(record: RolloutRecord, now?: string): number {
  return secondsBetween(record.startedAt, record.finishedAt ?? now) ?? secondsToDecision(record);
}

/** The metric that caused a rollback: a failed one, breached guards first. */
export function decidingMetric(record: RolloutRecord): MetricEvidence | undefined {
  const failed = record.metrics.filter((m) => m.status === 'fail');
  return failed.find((m) => m.guard?.breached) ?? failed[0];
}

/** The step the rollout is in (1-based) and how many there are. */
export function stepPosition(record: RolloutRecord): { step: number; of: number } {
  const of = record.steps.length;
  const last = lastStep(record);
  return { step: last ? last.index + 1 : 0, of };
}

/** True when the canary holds no traffic at the end (rolled back, promoted, cleaned up). */
export function canaryRemoved(record: RolloutRecord): boolean {
  return record.finalWeight === 0;
}

/** First line of a message, shortened for one-line contexts. */
export function oneLine(text: string | undefined, max = 160): string {
  const line = (text ?? '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}
