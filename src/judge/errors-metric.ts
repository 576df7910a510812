// Error-rate style metric ("bad events out of events"): count e-process plus the max guard.
import type { ErrorsMetricSpec } from '../config/spec.js';
import type { ArmObservation, TickObservation } from '../metrics/types.js';
import { warningLevel } from './alpha.js';
import type { CountTest } from './count-eprocess.js';
import { jeffreysRate } from './detectable-ratio.js';
import { buildErrorsTest, designErrorsTest } from './errors-test.js';
import { guardBreachSentence, guardField, withDataState } from './evidence-row.js';
import { formatEValue, formatPercent, formatRatio } from './format.js';
import { FractionTally, fractionValue } from './fraction-tally.js';
import { fractionGuard, type Fraction, type GuardResult } from './guards.js';
import { armOf, finiteEValue, metricPair, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence, PlannedStep } from './types.js';

/** From this ratio up, the evidence sentence says that only gross regressions can be confirmed. */
const COARSE_RATIO = 3;

export class ErrorsMetric implements MetricTracker {
  /** Bad events (num) out of events (den) per arm over the rollout. */
  private readonly tally = new FractionTally();
  /** Made at the first tick with requests in both arms, from what is known before its split. */
  private test: CountTest | null = null;
  /** The smallest ratio the plan can confirm, once the test is made from an outlook. */
  private smallest: number | null = null;
  private readonly threshold: number;
  private readonly baseline: { bad: number; total: number } | null;
  private now = 0;
  /** When each arm's counts delivered so far end: a tick after a gap carries the gap's requests too. */
  private readonly countedUntil = { canary: 0, stable: 0 };
  private missing: string | null = null;

  /**
   * `baseline`: stable's cumulative counters before the canary existed (Judge.begin), if read.
   * `plan`: the steps still to soak; without it the test's mixture is the fixed one.
   */
  constructor(
    private readonly spec: ErrorsMetricSpec,
    private readonly options: TrackerOptions,
    baseline?: ArmObservation | null,
    private readonly plan?: readonly PlannedStep[]
  ) {
    const base = armOf(baseline, 'errors');
    this.baseline = base ? { bad: base.bad, total: base.total } : null;
    this.threshold = 1 / options.alpha;
  }

  /**
   * The test, made from the first tick whose arms both had requests: its request rate (each arm's
   * requests over the seconds they cover), and stable's error rate from the baseline (or, without one,
   * from the tick's total errors). Neither depends on how the tick's errors split between the arms,
   * the only thing the test is a bet on.
   */
  private testFor(
    canary: { bad: number; total: number },
    stable: { bad: number; total: number },
    seconds: { canary: number; stable: number }
  ): CountTest {
    if (this.test) return this.test;
    const requests = canary.total + stable.total;
    const outlook =
      this.plan && seconds.canary > 0 && seconds.stable > 0
        ? {
            requestsPerSecond: canary.total / seconds.canary + stable.total / seconds.stable,
            stableRate:
              this.baseline && this.baseline.total > 0
                ? jeffreysRate(this.baseline.bad, this.baseline.total)
                : jeffreysRate(canary.bad + stable.bad, requests),
            plan: this.plan,
            logThreshold: Math.log(this.threshold)
          }
        : null;
    const design = designErrorsTest(outlook);
    this.smallest = design.smallestDetectableRatio ?? null;
    this.test = buildErrorsTest(design, this.baseline);
    return this.test;
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
    const seconds = {
      canary: tick.elapsedSeconds - this.countedUntil.canary,
      stable: tick.elapsedSeconds - this.countedUntil.stable
    };
    if (c) this.countedUntil.canary = tick.elapsedSeconds;
    if (s) this.countedUntil.stable = tick.elapsedSeconds;
    if (c && s && this.options.sequential && c.total > 0 && s.total > 0)
      this.testFor(c, s, seconds).update(c.bad, s.bad, c.total / (c.total + s.total));
  }

  private guard(): GuardResult | undefined {
    if (this.spec.max === undefined) return undefined;
    return fractionGuard(this.tally.history, this.now, this.spec.max, 'max');
  }

  evidence(): MetricEvidence {
    const canaryRate = fractionValue(this.tally.canary);
    const stableRate = fractionValue(this.tally.stable);
    const guard = this.guard();
    // Before its first tick the test has bet nothing: its e-value is 1.
    const e = this.options.sequential ? (this.test?.eValue ?? 1) : undefined;
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
      // Say so when the traffic only allows gross regressions to be confirmed (JUDGE.md: never pretend).
      const coarse =
        this.smallest !== null && this.smallest >= COARSE_RATIO
          ? `at this traffic the plan can confirm only ${formatRatio(this.smallest)}× stable's rate or worse`
          : undefined;
      const detail = [stat, limit, coarse].filter(Boolean).join(', ');
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
      ...(this.smallest !== null && Number.isFinite(this.smallest)
        ? { smallestDetectableRatio: this.smallest }
        : {}),
      ...guardField(guard),
      status,
      sentence
    };
  }
}
