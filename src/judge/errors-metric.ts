// Error-rate style metric ("bad events out of events"): count e-process plus the max guard.
import type { ErrorsMetricSpec } from '../config/spec.js';
import type { ArmObservation, TickObservation } from '../metrics/types.js';
import { warningLevel } from './alpha.js';
import type { CountTest } from './count-eprocess.js';
import { createErrorsTest } from './errors-test.js';
import { guardBreachSentence, guardField, withDataState } from './evidence-row.js';
import { formatEValue, formatPercent } from './format.js';
import { FractionTally, fractionValue } from './fraction-tally.js';
import { fractionGuard, type Fraction, type GuardResult } from './guards.js';
import { armOf, finiteEValue, metricPair, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence } from './types.js';

export class ErrorsMetric implements MetricTracker {
  /** Bad events (num) out of events (den) per arm over the rollout. */
  private readonly tally = new FractionTally();
  private readonly test: CountTest | null;
  private readonly threshold: number;
  private now = 0;
  private missing: string | null = null;

  /** `baseline`: stable's cumulative counters before the canary existed (Judge.begin), if read. */
  constructor(
    private readonly spec: ErrorsMetricSpec,
    options: TrackerOptions,
    baseline?: ArmObservation | null
  ) {
    const base = armOf(baseline, 'errors');
    this.test = options.sequential
      ? createErrorsTest(base ? { bad: base.bad, total: base.total } : null)
      : null;
    this.threshold = 1 / options.alpha;
  }

  observe(tick: TickObservation): void {
    this.now = tick.elapsedSeconds;
    const { pair, missing } = metricPair(tick, this.spec.name);
    this.missing = missing;
    const c = armOf(pair?.canary, 'errors');
    const s = armOf(pair?.stable, 'errors');
    const counts = (arm: typeof c): Fraction | null => (arm ? { num: arm.bad, den: arm.total } : null);
    this.tally.add(tick.elapsedSeconds, counts(c), counts(s));
    // Every tick with both arms counts, the first of a step included (only SRM skips that one).
    if (c && s && this.test) this.test.update(c.bad, s.bad, c.total / (c.total + s.total));
  }

  private guard(): GuardResult | undefined {
    if (this.spec.max === undefined) return undefined;
    return fractionGuard(this.tally.history, this.now, this.spec.max, 'max');
  }

  evidence(): MetricEvidence {
    const canaryRate = fractionValue(this.tally.canary);
    const stableRate = fractionValue(this.tally.stable);
    const guard = this.guard();
    const e = this.test?.eValue;
    const crossed = e !== undefined && e >= this.threshold;
    const warn = (e !== undefined && e >= warningLevel(this.threshold)) || (guard?.near ?? false);
    const both = `${this.spec.title} ${formatPercent(canaryRate)} on canary vs ${formatPercent(stableRate)} on stable`;
    let status: MetricEvidence['status'];
    let sentence: string;
    if (crossed) {
      status = 'fail';
      sentence = `${both} (e-value ${formatEValue(e)} ≥ ${formatEValue(this.threshold)})`;
    } else if (guard?.breached) {
      status = 'fail';
      sentence = guardBreachSentence(this.spec.title, guard, formatPercent, stableRate);
    } else {
      const stat =
        e !== undefined ? `e-value ${formatEValue(e)} < ${formatEValue(this.threshold)}` : undefined;
      const limit = guard ? `limit ${formatPercent(guard.limit)}` : undefined;
      const detail = [stat, limit].filter(Boolean).join(', ');
      ({ status, sentence } = withDataState(warn ? 'warn' : 'ok', detail ? `${both} (${detail})` : both, {
        title: this.spec.title,
        hasData: canaryRate !== null || stableRate !== null,
        missing: this.missing,
        nothing: 'no requests'
      }));
    }
    return {
      metric: this.spec.name,
      title: this.spec.title,
      kind: 'errors',
      unit: 'fraction',
      canary: canaryRate,
      stable: stableRate,
      canaryEvents: this.tally.canary.den,
      stableEvents: this.tally.stable.den,
      ...(e !== undefined ? { eValue: finiteEValue(e), eThreshold: this.threshold } : {}),
      ...guardField(guard),
      status,
      sentence
    };
  }
}
