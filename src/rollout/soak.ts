// The soak of one step: every interval, sample both arms, ask the judge, and return once the step
// passed, must roll back, or failed. The single engine soaks one release with soakStep; the group
// engine ticks several StepSoaks together on one clock. There is one soak, so both judge alike.
import type { Clock } from '../clock.js';
import type { RolloutSpec } from '../config/spec.js';
import type { Judge, PlannedStep } from '../judge/types.js';
import type { TickObservation } from '../metrics/types.js';
import type { Logger, Sampler } from './ports.js';
import type { RolloutRecord, StepRecord } from './record.js';
import { addTick } from './record-builder.js';
import type { StableDataWatch } from './stable-data.js';
import { errorMessage } from '../error-message.js';
import { formatClock, formatDuration } from '../format.js';
import { abortable } from '../abortable.js';

export type SoakResult =
  | { kind: 'pass'; warning?: string }
  | { kind: 'rollback'; reason: string }
  | { kind: 'fail'; reason: string }
  | { kind: 'pause'; reason: string };

/** The steps still to soak from `fromIndex` on, as the judge plans with them (shares as fractions). */
export function plannedSteps(
  spec: Pick<RolloutSpec, 'steps' | 'soakSeconds'>,
  fromIndex: number
): PlannedStep[] {
  return spec.steps.slice(fromIndex).map((weight) => ({ weight: weight / 100, seconds: spec.soakSeconds }));
}

/** Thrown when the signal aborts; the engines catch it and hand the canary to the post step. */
export class Interrupted extends Error {}

export interface SoakContext {
  spec: RolloutSpec;
  judge: Judge;
  sampler: Sampler;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  record: RolloutRecord;
  stableData: StableDataWatch;
  /** clock.now() when the rollout started (ticks carry the time since). */
  rolloutStart: number;
  /** After every tick: save and report the record. */
  onTick(): void;
}

/** One step's soak, tick by tick. */
export class StepSoak {
  private readonly stepStart: number;
  private readonly maxSoakSeconds: number;
  private failures = 0;
  private samples = 0;
  private unanswered = 0;
  private warningSeen: string | undefined;

  constructor(
    private readonly ctx: SoakContext,
    private readonly step: StepRecord,
    private readonly index: number,
    private readonly weight: number
  ) {
    const { spec, judge, clock } = ctx;
    this.stepStart = clock.now();
    this.maxSoakSeconds = spec.soakSeconds + spec.analysis.maxExtraSoakSeconds;
    judge.startStep({ index, weight, soakSeconds: spec.soakSeconds, maxSoakSeconds: this.maxSoakSeconds });
  }

  /** One sample and verdict: the step's result, or undefined while it goes on. */
  async tick(): Promise<SoakResult | undefined> {
    const { spec, clock, log, signal, judge, sampler, record } = this.ctx;
    const at = clock.now();
    const tick: TickObservation = {
      at: new Date(at).toISOString(),
      elapsedSeconds: (at - this.ctx.rolloutStart) / 1000,
      stepIndex: this.index,
      weight: this.weight,
      stepElapsedSeconds: (at - this.stepStart) / 1000,
      requests: { canary: null, stable: null },
      metrics: {}
    };
    try {
      // A slow or retrying query must not hold up a cancellation: stop waiting the moment the signal comes.
      const sample = await unlessInterrupted(sampler.sample(), signal);
      tick.requests = sample.requests;
      tick.metrics = sample.metrics;
      this.failures = 0;
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      // Any sampling error is missing data, never health: the judge is told, and a run of them fails the step.
      this.failures++;
      tick.unavailable = errorMessage(error);
      log.warning(`Metrics unavailable (${this.failures} in a row): ${tick.unavailable}`);
    }
    this.samples++;
    if (tick.unavailable) this.unanswered++;
    this.ctx.stableData.observe(tick);
    const verdict = judge.evaluate(tick);
    addTick(record, this.step, tick, verdict);
    this.ctx.onTick();
    if (this.failures > spec.analysis.maxMetricFailures) {
      return {
        kind: 'fail',
        reason: `Prometheus did not answer for ${this.failures} consecutive samples (limit ${spec.analysis.maxMetricFailures}): ${tick.unavailable}`
      };
    }
    const metricFailed = verdict.metrics.some((m) => m.status === 'fail');
    if (verdict.action === 'rollback' && !metricFailed && this.unanswered > 0) {
      // Too little evidence because Prometheus was down is an outage, not the canary's fault.
      return {
        kind: 'fail',
        reason: `Prometheus did not answer for ${this.unanswered} of ${this.samples} samples in step ${this.index + 1}, so the canary could not be judged (${verdict.reason})`
      };
    }
    if (verdict.action === 'rollback') return { kind: 'rollback', reason: verdict.reason };
    if (verdict.warning) this.warningSeen = verdict.warning;
    if (verdict.action === 'pass') {
      const gap = this.stableGap(verdict.metrics);
      if (gap && spec.analysis.noData !== 'pass') return { kind: 'fail', reason: gap };
      const warning = gap ? `${gap}; passed because the no-data policy is 'pass'` : undefined;
      return { kind: 'pass', warning: warning ?? verdict.warning ?? this.warningSeen };
    }
    if (tick.stepElapsedSeconds > this.maxSoakSeconds + 3 * spec.intervalSeconds) {
      return {
        kind: 'fail',
        reason: `Step ${this.index + 1} soaked ${formatDuration(tick.stepElapsedSeconds)} without a verdict (limit ${formatDuration(this.maxSoakSeconds)})`
      };
    }
    return undefined;
  }

  /**
   * "stable has no data for 5xx rate since 12:03:10" when a step would pass while stable shows
   * nothing for a metric the judge compares. At 100% stable has no traffic by design, and the
   * threshold judge compares nothing: no gap then.
   */
  private stableGap(metrics: { metric: string; title: string }[]): string | undefined {
    if (this.weight >= 100 || this.ctx.spec.judge === 'threshold') return undefined;
    const gaps = this.ctx.stableData.current();
    if (gaps.length === 0) return undefined;
    const title = (name: string) => metrics.find((m) => m.metric === name)?.title ?? name;
    return `stable has no data for ${gaps.map((g) => `${title(g.metric)} since ${formatClock(g.since)}`).join(', ')}`;
  }
}

/** Soaks one step to its result: sleep an interval, tick, until the step has a result. */
export async function soakStep(
  ctx: SoakContext,
  step: StepRecord,
  index: number,
  weight: number
): Promise<SoakResult> {
  const soak = new StepSoak(ctx, step, index, weight);
  for (;;) {
    await ctx.clock.sleep(ctx.spec.intervalSeconds * 1000, ctx.signal);
    throwIfInterrupted(ctx.signal);
    const result = await soak.tick();
    if (result) return result;
  }
}

export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted(abortReason(signal));
}

/** Resolves as `work` does, or rejects with Interrupted as soon as the signal aborts. */
function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return abortable(work, signal).catch((error: unknown) => {
    throw signal.aborted ? new Interrupted(abortReason(signal)) : error;
  });
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && !(reason.name === 'AbortError')) return reason.message;
  return 'Interrupted';
}
