// Latency metric from histogram buckets: exceedance mSPRTs at bounds fixed from stable's baseline,
// plus the static guard on the canary's quantile (interpolated like histogram_quantile).
import type { LatencyMetricSpec } from '../config/spec.js';
import type { ArmObservation, HistogramCounts, TickObservation } from '../metrics/types.js';
import { warningLevel } from './alpha.js';
import { guardBreachSentence, guardField, withDataState } from './evidence-row.js';
import { formatEValue, formatMs, formatPercent } from './format.js';
import {
  GUARD_MIN_EVENTS_AT_LIMIT,
  maxGuard,
  recentWindow,
  type GuardResult,
  type WindowEntry,
  wilsonInterval
} from './guards.js';
import { LatencyExceedanceTest } from './latency.js';
import { addHistograms, fractionAbove, histogramQuantile } from './quantile.js';
import { armOf, finiteEValue, metricPair, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence } from './types.js';

/** Without a baseline, bounds are fixed from stable's own first requests once it has this many. */
export const BOUNDS_FROM_STABLE_AFTER = 200;

export class LatencyMetric implements MetricTracker {
  private canary: HistogramCounts | null = null;
  private stable: HistogramCounts | null = null;
  private readonly history: Array<WindowEntry<HistogramCounts>> = [];
  private test: LatencyExceedanceTest | null = null;
  private readonly threshold: number;
  private readonly sequential: boolean;
  private now = 0;
  private missing: string | null = null;
  /** Milliseconds per unit of the histogram's `le` bounds. */
  private readonly msPerUnit: number;

  constructor(
    private readonly spec: LatencyMetricSpec,
    options: TrackerOptions,
    baseline: ArmObservation | null | undefined
  ) {
    this.sequential = options.sequential;
    this.threshold = 1 / options.alpha;
    this.msPerUnit = spec.bucketUnit === 'milliseconds' ? 1 : 1000;
    const base = armOf(baseline, 'latency');
    if (this.sequential && base && base.histogram.count > 0)
      this.test = new LatencyExceedanceTest(base.histogram);
  }

  observe(tick: TickObservation): void {
    this.now = tick.elapsedSeconds;
    const { pair, missing } = metricPair(tick, this.spec.name);
    this.missing = missing;
    const c = armOf(pair?.canary, 'latency')?.histogram ?? null;
    const s = armOf(pair?.stable, 'latency')?.histogram ?? null;
    if (c) {
      this.canary = addHistograms(this.canary, c);
      this.history.push({ at: tick.elapsedSeconds, value: c });
    }
    if (s) this.stable = addHistograms(this.stable, s);
    if (c && s && this.test) this.test.update(c, s);
    // No baseline was given: fix the bounds from stable alone (never from the canary), then test
    // only the ticks that follow, so the bounds do not depend on the data they judge.
    else if (this.sequential && !this.test && this.stable && this.stable.count >= BOUNDS_FROM_STABLE_AFTER) {
      this.test = new LatencyExceedanceTest(this.stable);
    }
  }

  private toMs(value: number | null): number | null {
    return value === null ? null : value * this.msPerUnit;
  }

  private guard(): GuardResult | undefined {
    if (this.spec.maxMs === undefined) return undefined;
    const need = Math.ceil(GUARD_MIN_EVENTS_AT_LIMIT / Math.max(1e-9, 1 - this.spec.quantile));
    const w = recentWindow(this.history, this.now, addHistograms, (acc) => acc.count >= need);
    const sum = w.enough ? w.sum : null;
    const value = sum ? this.toMs(histogramQuantile(this.spec.quantile, sum)) : null;
    // The quantile is past maxMs with confidence when the share slower than maxMs is, with 99%
    // confidence, larger than 1 - quantile.
    const slower = sum ? fractionAbove(sum, this.spec.maxMs / this.msPerUnit) : 0;
    const confident =
      sum !== null && wilsonInterval(slower * sum.count, sum.count).lower > 1 - this.spec.quantile;
    return maxGuard(value, this.spec.maxMs, w.seconds, confident);
  }

  evidence(): MetricEvidence {
    const q = this.spec.quantile;
    const canaryMs = this.canary ? this.toMs(histogramQuantile(q, this.canary)) : null;
    const stableMs = this.stable ? this.toMs(histogramQuantile(q, this.stable)) : null;
    const guard = this.guard();
    const e = this.test ? this.test.eValue : undefined;
    const crossed = e !== undefined && e >= this.threshold;
    const warn = (e !== undefined && e >= warningLevel(this.threshold)) || (guard?.near ?? false);
    const both = `${this.spec.title} ${formatMs(canaryMs)} on canary vs ${formatMs(stableMs)} on stable`;
    const bound = this.test?.strongestBound();
    const n = this.test?.requests;
    const exceed =
      bound && n && n.canary > 0 && n.stable > 0
        ? `; slower than ${formatMs(bound.le * this.msPerUnit)}: ${formatPercent(bound.slowCanary / n.canary)} vs ${formatPercent(bound.slowStable / n.stable)}`
        : '';
    let status: MetricEvidence['status'];
    let sentence: string;
    if (crossed) {
      status = 'fail';
      sentence = `${both}${exceed} (e-value ${formatEValue(e)} ≥ ${formatEValue(this.threshold)})`;
    } else if (guard?.breached) {
      status = 'fail';
      sentence = guardBreachSentence(this.spec.title, guard, formatMs, stableMs);
    } else {
      const stat =
        e !== undefined
          ? `e-value ${formatEValue(e)} < ${formatEValue(this.threshold)}`
          : this.sequential
            ? 'exceedance bounds not fixed yet: waiting for stable requests'
            : undefined;
      const limit = guard ? `limit ${formatMs(guard.limit)}` : undefined;
      const detail = [stat, limit].filter(Boolean).join(', ');
      ({ status, sentence } = withDataState(
        warn ? 'warn' : 'ok',
        `${both}${exceed}${detail ? ` (${detail})` : ''}`,
        {
          title: this.spec.title,
          hasData: canaryMs !== null || stableMs !== null,
          missing: this.missing,
          nothing: 'no requests'
        }
      ));
    }
    return {
      metric: this.spec.name,
      title: this.spec.title,
      kind: 'latency',
      unit: 'ms',
      canary: canaryMs,
      stable: stableMs,
      canaryEvents: this.canary?.count ?? 0,
      stableEvents: this.stable?.count ?? 0,
      ...(e !== undefined ? { eValue: finiteEValue(e), eThreshold: this.threshold } : {}),
      ...guardField(guard),
      status,
      sentence
    };
  }
}
