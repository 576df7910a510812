// Error-rate style metric ("bad events out of events"): count e-process plus the max guard.
import type { ErrorsMetricSpec } from '../config/spec.js';
import type { TickObservation } from '../metrics/types.js';
import { warningLevel } from './alpha.js';
import { CountEProcess } from './count-eprocess.js';
import { formatEValue, formatPercent } from './format.js';
import {
  maxGuard,
  minEventsForFraction,
  recentWindow,
  type GuardResult,
  type WindowEntry,
  wilsonInterval
} from './guards.js';
import { armOf, finiteEValue, missingArms, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence } from './types.js';

interface Counts {
  bad: number;
  total: number;
}

const addCounts = (acc: Counts | null, v: Counts): Counts => ({
  bad: (acc?.bad ?? 0) + v.bad,
  total: (acc?.total ?? 0) + v.total
});

export class ErrorsMetric implements MetricTracker {
  private readonly canary: Counts = { bad: 0, total: 0 };
  private readonly stable: Counts = { bad: 0, total: 0 };
  private readonly history: Array<WindowEntry<Counts>> = [];
  private readonly test: CountEProcess | null;
  private readonly threshold: number;
  private now = 0;
  private missing: string | null = null;

  constructor(
    private readonly spec: ErrorsMetricSpec,
    options: TrackerOptions
  ) {
    this.test = options.sequential ? new CountEProcess() : null;
    this.threshold = 1 / options.alpha;
  }

  observe(tick: TickObservation): void {
    this.now = tick.elapsedSeconds;
    const pair = tick.unavailable ? undefined : tick.metrics[this.spec.name];
    this.missing = missingArms(tick, pair);
    const c = armOf(pair?.canary, 'errors');
    const s = armOf(pair?.stable, 'errors');
    if (c) {
      this.canary.bad += c.bad;
      this.canary.total += c.total;
      this.history.push({ at: tick.elapsedSeconds, value: { bad: c.bad, total: c.total } });
    }
    if (s) {
      this.stable.bad += s.bad;
      this.stable.total += s.total;
    }
    if (c && s && this.test) this.test.update(c.bad, s.bad, c.total / (c.total + s.total));
  }

  private guard(): GuardResult | undefined {
    if (this.spec.max === undefined) return undefined;
    const need = minEventsForFraction(this.spec.max);
    const w = recentWindow(this.history, this.now, addCounts, (acc) => acc.total >= need);
    const sum = w.enough ? w.sum : null;
    const value = sum ? sum.bad / sum.total : null;
    const confident = sum !== null && wilsonInterval(sum.bad, sum.total).lower > this.spec.max;
    return maxGuard(value, this.spec.max, w.seconds, confident);
  }

  evidence(): MetricEvidence {
    const canaryRate = this.canary.total > 0 ? this.canary.bad / this.canary.total : null;
    const stableRate = this.stable.total > 0 ? this.stable.bad / this.stable.total : null;
    const guard = this.guard();
    const e = this.test?.eValue;
    const crossed = e !== undefined && e >= this.threshold;
    const warn = (e !== undefined && e >= warningLevel(this.threshold)) || (guard?.near ?? false);
    const both = `${this.spec.title} ${formatPercent(canaryRate)} on canary vs ${formatPercent(stableRate)} on stable`;
    let sentence: string;
    let status: MetricEvidence['status'];
    if (crossed) {
      status = 'fail';
      sentence = `${both} (e-value ${formatEValue(e)} ≥ ${formatEValue(this.threshold)})`;
    } else if (guard?.breached) {
      status = 'fail';
      sentence =
        `${this.spec.title} ${formatPercent(guard.value)} on canary over the last ${guard.windowSeconds} s ` +
        `is above the ${formatPercent(guard.limit)} limit (stable ${formatPercent(stableRate)})`;
    } else {
      status = warn ? 'warn' : 'ok';
      const stat =
        e !== undefined ? `e-value ${formatEValue(e)} < ${formatEValue(this.threshold)}` : undefined;
      const limit = guard ? `limit ${formatPercent(guard.limit)}` : undefined;
      const detail = [stat, limit].filter(Boolean).join(', ');
      sentence = detail ? `${both} (${detail})` : both;
      if (canaryRate === null && stableRate === null) {
        status = 'no-data';
        sentence = `${this.spec.title}: no data yet (${this.missing ?? 'no requests'})`;
      } else if (this.missing) {
        status = status === 'warn' ? 'warn' : 'no-data';
        sentence += `; ${this.missing}`;
      }
    }
    return {
      metric: this.spec.name,
      title: this.spec.title,
      kind: 'errors',
      unit: 'fraction',
      canary: canaryRate,
      stable: stableRate,
      canaryEvents: this.canary.total,
      stableEvents: this.stable.total,
      ...(e !== undefined ? { eValue: finiteEValue(e), eThreshold: this.threshold } : {}),
      ...(guard
        ? { guard: { limit: guard.limit, comparator: guard.comparator, breached: guard.breached } }
        : {}),
      status,
      sentence
    };
  }
}
