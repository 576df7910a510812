// Business ratio (conversion): a confidence sequence for canary/stable with a margin, plus the
// static minimum on the canary's own ratio.
import type { RatioMetricSpec } from '../config/spec.js';
import type { TickObservation } from '../metrics/types.js';
import { formatPercent, formatRatio } from './format.js';
import { guardBreachSentence, guardField, withDataState } from './evidence-row.js';
import { FractionTally, fractionValue } from './fraction-tally.js';
import { fractionGuard, type Fraction, type GuardResult } from './guards.js';
import {
  classifyRatio,
  isStillWide,
  ratioConfidenceSequence,
  ratioTau,
  type RatioBounds
} from './ratio-cs.js';
import { armOf, metricPair, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence } from './types.js';

export class RatioMetric implements MetricTracker {
  private readonly tally = new FractionTally();
  /** Counts from ticks where both arms reported: the only ones the sequence may compare. */
  private readonly paired = new FractionTally();
  private readonly sequential: boolean;
  private readonly alpha: number;
  private now = 0;
  private missing: string | null = null;

  constructor(
    private readonly spec: RatioMetricSpec,
    options: TrackerOptions
  ) {
    this.sequential = options.sequential;
    this.alpha = options.alpha;
  }

  observe(tick: TickObservation): void {
    this.now = tick.elapsedSeconds;
    const { pair, missing } = metricPair(tick, this.spec.name);
    this.missing = missing;
    const c = armOf(pair?.canary, 'ratio');
    const s = armOf(pair?.stable, 'ratio');
    const counts = (arm: typeof c): Fraction | null =>
      arm ? { num: arm.numerator, den: arm.denominator } : null;
    this.tally.add(tick.elapsedSeconds, counts(c), counts(s));
    if (c && s) this.paired.add(tick.elapsedSeconds, counts(c), counts(s));
  }

  private guard(): GuardResult | undefined {
    if (this.spec.min === undefined) return undefined;
    return fractionGuard(this.tally.history, this.now, this.spec.min, 'min');
  }

  private bounds(): RatioBounds | null {
    if (!this.sequential) return null;
    const { canary: c, stable: s } = this.paired;
    if (c.den <= 0 || s.den <= 0) return null;
    return ratioConfidenceSequence(c.num, c.den, s.num, s.den, this.alpha, ratioTau(this.spec.margin));
  }

  evidence(): MetricEvidence {
    const canaryRate = fractionValue(this.tally.canary);
    const stableRate = fractionValue(this.tally.stable);
    const guard = this.guard();
    const bounds = this.bounds();
    const floor = 1 - this.spec.margin;
    const call = bounds ? classifyRatio(bounds, this.spec.margin) : 'undecided';
    const both = `${this.spec.title} ${formatPercent(canaryRate)} on canary vs ${formatPercent(stableRate)} on stable`;
    const range = bounds ? `[${formatRatio(bounds.lower)}, ${formatRatio(bounds.upper)}]` : '';
    const ratio = bounds?.estimate != null ? `canary/stable ${formatRatio(bounds.estimate)}, ` : '';
    let status: MetricEvidence['status'];
    let sentence: string;
    if (bounds && call === 'regressed') {
      status = 'fail';
      sentence = `${both}: ${ratio}confidence sequence ${range} is entirely below ${formatRatio(floor)}`;
    } else if (guard?.breached) {
      status = 'fail';
      sentence = guardBreachSentence(this.spec.title, guard, formatPercent, stableRate);
    } else if (bounds && call === 'cleared') {
      status = 'pass';
      sentence = `${both}: ${ratio}confidence sequence ${range} is above ${formatRatio(floor)}`;
    } else {
      // A significant drop inside the margin, or a guard near its limit, is a soft signal.
      const soft = (bounds && bounds.upper < 1) || guard?.near ? 'warn' : 'ok';
      if (bounds && isStillWide(bounds, this.spec.margin)) {
        sentence =
          `${both}: ${ratio}confidence sequence ${range} is still wide; at this traffic only a gross drop ` +
          `can be caught (margin ${formatPercent(this.spec.margin)})`;
      } else if (bounds) {
        sentence = `${both}: ${ratio}confidence sequence ${range} still includes ${formatRatio(floor)}`;
      } else {
        sentence = guard ? `${both} (minimum ${formatPercent(guard.limit)})` : both;
      }
      ({ status, sentence } = withDataState(soft, sentence, {
        title: this.spec.title,
        hasData: canaryRate !== null || stableRate !== null,
        missing: this.missing,
        nothing: 'no events'
      }));
    }
    return {
      metric: this.spec.name,
      title: this.spec.title,
      kind: 'ratio',
      unit: 'fraction',
      canary: canaryRate,
      stable: stableRate,
      canaryEvents: this.tally.canary.den,
      stableEvents: this.tally.stable.den,
      ...(bounds && Number.isFinite(bounds.upper) ? { lower: bounds.lower, upper: bounds.upper } : {}),
      ...guardField(guard),
      status,
      sentence
    };
  }
}
