// The judging loop shared by both judges: feed each tick to every metric tracker, roll back on the
// first metric that fails (in spec order, traffic last), else let the step policy pass or continue.
import type { AnalysisSpec, MetricSpec } from '../config/spec.js';
import type { TickObservation } from '../metrics/types.js';
import { splitAlpha } from './alpha.js';
import { ErrorsMetric } from './errors-metric.js';
import { LatencyMetric } from './latency-metric.js';
import { RatioMetric } from './ratio-metric.js';
import { StepPolicy } from './step-policy.js';
import type { MetricTracker } from './tracker.js';
import { TrafficMetric } from './traffic-metric.js';
import type { Baseline, Judge, PlannedStep, StepContext, Verdict } from './types.js';

export abstract class CanaryJudge implements Judge {
  abstract readonly name: string;
  private trackers: MetricTracker[] = [];
  private traffic: TrafficMetric | null = null;
  private policy: StepPolicy | null = null;
  private strictPass = false;

  /** true: the anytime-valid tests run (sequential judge); false: static guards only. */
  protected abstract readonly sequential: boolean;

  begin(analysis: AnalysisSpec, baseline: Baseline, plan?: readonly PlannedStep[]): void {
    const alpha = splitAlpha(analysis);
    this.trackers = analysis.metrics.map((spec) =>
      this.trackerFor(spec, alpha.perMetric.get(spec.name) ?? analysis.alpha, baseline, plan)
    );
    this.traffic = new TrafficMetric({ sequential: this.sequential, alpha: alpha.srm });
    // Only the sequential judge has confidence sequences to hold a step to.
    this.strictPass = this.sequential && analysis.strictPass === true;
    this.policy = new StepPolicy(analysis, this.strictPass);
  }

  private trackerFor(
    spec: MetricSpec,
    alpha: number,
    baseline: Baseline,
    plan: readonly PlannedStep[] | undefined
  ): MetricTracker {
    const options = { sequential: this.sequential, alpha };
    switch (spec.kind) {
      case 'errors':
        return new ErrorsMetric(spec, options, baseline.stable[spec.name], plan);
      case 'latency':
        return new LatencyMetric(spec, options, baseline.stable[spec.name]);
      case 'ratio':
        return new RatioMetric(spec, options);
    }
  }

  startStep(step: StepContext): void {
    if (!this.policy || !this.traffic)
      throw new Error(`${this.name} judge: startStep() called before begin()`);
    this.policy.startStep(step);
    this.traffic.startStep();
  }

  evaluate(tick: TickObservation): Verdict {
    if (!this.policy || !this.traffic)
      throw new Error(`${this.name} judge: evaluate() called before begin()`);
    this.policy.observe(tick);
    const all = [...this.trackers, this.traffic];
    for (const tracker of all) tracker.observe(tick);
    const metrics = all.map((tracker) => tracker.evidence());
    const warnings = metrics.filter((m) => m.status === 'warn').map((m) => m.sentence);
    const failed = metrics.find((m) => m.status === 'fail');
    if (failed) return { action: 'rollback', reason: failed.sentence, metrics };
    const unsettled = this.strictPass
      ? metrics.filter((m) => m.kind === 'ratio' && m.status !== 'pass').map((m) => m.title)
      : [];
    const step = this.policy.assess(tick, unsettled);
    if (step.warning) warnings.push(step.warning);
    return {
      action: step.action,
      reason: step.reason,
      ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}),
      metrics
    };
  }
}

/** The default: anytime-valid tests of canary against stable, plus the static guards. */
export class SequentialJudge extends CanaryJudge {
  readonly name = 'sequential';
  protected readonly sequential = true;
}

/** The foundation's static judge: guards on the canary alone, both arms shown side by side. */
export class ThresholdJudge extends CanaryJudge {
  readonly name = 'threshold';
  protected readonly sequential = false;
}
