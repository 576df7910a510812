// Creates and updates the RolloutRecord. The engine describes what happened; this file knows the shape.
import type { RolloutSpec } from '../config/spec.js';
import type { TickObservation } from '../metrics/types.js';
import type { Verdict } from '../judge/types.js';
import type { Decision, Phase, RolloutRecord, StepOutcome, StepRecord } from './record.js';

export function newRecord(spec: RolloutSpec, startedAt: Date): RolloutRecord {
  return {
    schemaVersion: 1,
    command: spec.command,
    release: spec.release,
    canaryRelease: spec.canaryRelease,
    namespace: spec.namespace,
    chart: spec.chart,
    chartVersion: spec.chartVersion,
    version: spec.version,
    routing: spec.routing,
    steps: [...spec.steps],
    soakSeconds: spec.soakSeconds,
    intervalSeconds: spec.intervalSeconds,
    judge: spec.judge,
    decisionMode: spec.decision,
    dryRun: spec.dryRun,
    startedAt: startedAt.toISOString(),
    phase: 'validating',
    finalWeight: 0,
    currentWeight: 0,
    stepRecords: [],
    ticks: [],
    events: [],
    metrics: []
  };
}

export function addEvent(record: RolloutRecord, at: Date, type: string, message: string): void {
  record.events.push({ at: at.toISOString(), type, message });
}

export function setPhase(record: RolloutRecord, phase: Phase): void {
  record.phase = phase;
}

export function beginStep(record: RolloutRecord, index: number, weight: number, at: Date): StepRecord {
  const step: StepRecord = {
    index,
    weight,
    startedAt: at.toISOString(),
    soakedSeconds: 0,
    canaryRequests: 0,
    stableRequests: 0,
    outcome: 'running'
  };
  record.stepRecords.push(step);
  record.currentWeight = weight;
  return step;
}

export function endStep(step: StepRecord, outcome: StepOutcome, at: Date, reason?: string): void {
  step.outcome = outcome;
  step.endedAt = at.toISOString();
  if (reason) step.reason = reason;
}

export function addTick(
  record: RolloutRecord,
  step: StepRecord,
  tick: TickObservation,
  verdict: Verdict
): void {
  step.soakedSeconds = tick.stepElapsedSeconds;
  step.canaryRequests += tick.requests.canary ?? 0;
  step.stableRequests += tick.requests.stable ?? 0;
  record.metrics = verdict.metrics;
  record.ticks.push({
    at: tick.at,
    elapsedSeconds: tick.elapsedSeconds,
    stepIndex: tick.stepIndex,
    weight: tick.weight,
    canaryRequests: tick.requests.canary,
    stableRequests: tick.requests.stable,
    action: verdict.action,
    warning: verdict.warning,
    unavailable: tick.unavailable,
    metrics: verdict.metrics
  });
}

export function decide(
  record: RolloutRecord,
  decision: Decision,
  reason: string,
  finalWeight: number,
  at: Date
): void {
  record.decision = decision;
  record.reason = reason;
  record.finalWeight = finalWeight;
  record.finishedAt = at.toISOString();
  record.phase = decision === 'paused' ? 'paused' : 'done';
}
