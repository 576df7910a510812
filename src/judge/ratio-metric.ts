// Business ratio (conversion): a confidence sequence for canary/stable with a margin, plus the
// static minimum on the canary's own ratio.
import type { RatioMetricSpec } from '../config/spec.js';
import type { TickObservation } from '../metrics/types.js';
import { formatPercent, formatRatio } from './format.js';
import {
  minEventsForFraction,
  minGuard,
  recentWindow,
  type GuardResult,
  type WindowEntry,
  wilsonInterval
} from './guards.js';
import {
  classifyRatio,
  isStillWide,
  ratioConfidenceSequence,
  ratioTau,
  type RatioBounds
} from './ratio-cs.js';
import { armOf, missingArms, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence } from './types.js';

interface Fraction {
  num: number;
  den: number;
}

const addFraction = (acc: Fraction | null, v: Fraction): Fraction => ({
  num: (acc?.num ?? 0) + v.num,
  den: (acc?.den ?? 0) + v.den
});

export class RatioMetric implements MetricTracker {
  private readonly canary: Fraction = { num: 0, den: 0 };
  private readonly stable: Fraction = { num: 0, den: 0 };
  /** Counts from ticks where both arms reported: the only ones the sequence may compare. */
  private readonly paired = { canary: { num: 0, den: 0 }, stable: { num: 0, den: 0 } };
  private readonly history: Array<WindowEntry<Fraction>> = [];
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
    const pair = tick.unavailable ? undefined : tick.metrics[this.spec.name];
    this.missing = missingArms(tick, pair);
    const c = armOf(pair?.canary, 'ratio');
    const s = armOf(pair?.stable, 'ratio');
    if (c) {
      this.canary.num += c.numerator;
      this.canary.den += c.denominator;
      this.history.push({ at: tick.elapsedSeconds, value: { num: c.numerator, den: c.denominator } });
    }
    if (s) {
      this.stable.num += s.numerator;
      this.stable.den += s.denominator;
    }
    if (c && s) {
      this.paired.canary.num += c.numerator;
      this.paired.canary.den += c.denominator;
      this.paired.stable.num += s.numerator;
      this.paired.stable.den += s.denominator;
    }
  }

  private guard(): GuardResult | undefined {
    if (this.spec.min === undefined) return undefined;
    const need = minEventsForFraction(this.spec.min);
    const w = recentWindow(this.history, this.now, addFraction, (acc) => acc.den >= need);
    const sum = w.enough ? w.sum : null;
    const value = sum ? sum.num / sum.den : null;
    const confident = sum !== null && wilsonInterval(sum.num, sum.den).upper < this.spec.min;
    return minGuard(value, this.spec.min, w.seconds, confident);
  }

  private bounds(): RatioBounds | null {
    if (!this.sequential) return null;
    const { canary: c, stable: s } = this.paired;
    if (c.den <= 0 || s.den <= 0) return null;
    return ratioConfidenceSequence(c.num, c.den, s.num, s.den, this.alpha, ratioTau(this.spec.margin));
  }

  evidence(): MetricEvidence {
    const canaryRate = this.canary.den > 0 ? this.canary.num / this.canary.den : null;
    const stableRate = this.stable.den > 0 ? this.stable.num / this.stable.den : null;
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
      sentence =
        `${this.spec.title} ${formatPercent(guard.value)} on canary over the last ${guard.windowSeconds} s ` +
        `is below the ${formatPercent(guard.limit)} minimum (stable ${formatPercent(stableRate)})`;
    } else if (bounds && call === 'cleared') {
      status = 'pass';
      sentence = `${both}: ${ratio}confidence sequence ${range} is above ${formatRatio(floor)}`;
    } else {
      // A significant drop inside the margin, or a guard near its limit, is a soft signal.
      status = (bounds && bounds.upper < 1) || guard?.near ? 'warn' : 'ok';
      if (bounds && isStillWide(bounds, this.spec.margin)) {
        sentence =
          `${both}: ${ratio}confidence sequence ${range} is still wide; at this traffic only a gross drop ` +
          `can be caught (margin ${formatPercent(this.spec.margin)})`;
      } else if (bounds) {
        sentence = `${both}: ${ratio}confidence sequence ${range} still includes ${formatRatio(floor)}`;
      } else {
        sentence = guard ? `${both} (minimum ${formatPercent(guard.limit)})` : both;
      }
      if (canaryRate === null && stableRate === null) {
        status = 'no-data';
        sentence = `${this.spec.title}: no data yet (${this.missing ?? 'no events'})`;
      } else if (this.missing) {
        status = status === 'warn' ? 'warn' : 'no-data';
        sentence += `; ${this.missing}`;
      }
    }
    return {
      metric: this.spec.name,
      title: this.spec.title,
      kind: 'ratio',
      unit: 'fraction',
      canary: canaryRate,
      stable: stableRate,
      canaryEvents: this.canary.den,
      stableEvents: this.stable.den,
      ...(bounds && Number.isFinite(bounds.upper) ? { lower: bounds.lower, upper: bounds.upper } : {}),
      ...(guard
        ? { guard: { limit: guard.limit, comparator: guard.comparator, breached: guard.breached } }
        : {}),
      status,
      sentence
    };
  }
}
