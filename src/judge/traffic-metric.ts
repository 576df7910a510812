// The `traffic` evidence row: requests per arm over the rollout, and (sequential judge) the
// sample-ratio-mismatch e-value that catches a canary that gets no traffic or crashed.
import type { TickObservation } from '../metrics/types.js';
import { warningLevel } from './alpha.js';
import { formatCount, formatEValue, formatPercent } from './format.js';
import { SampleRatioTest, weightShare } from './srm.js';
import { finiteEValue, type MetricTracker, type TrackerOptions } from './tracker.js';
import type { MetricEvidence } from './types.js';

export class TrafficMetric implements MetricTracker {
  private canary = 0;
  private stable = 0;
  private readonly test: SampleRatioTest | null;
  private readonly threshold: number;
  private weight = 0;
  private missing: string | null = null;
  private skipNext = true;

  constructor(options: TrackerOptions) {
    this.test = options.sequential ? new SampleRatioTest() : null;
    this.threshold = 1 / options.alpha;
  }

  /**
   * The first tick after a weight change mixes the old and the new split (the router reloads while
   * it runs; a new canary may not be scraped yet), so the SRM test skips it.
   */
  startStep(): void {
    this.skipNext = true;
  }

  observe(tick: TickObservation): void {
    this.weight = tick.weight;
    this.missing = null;
    if (tick.unavailable) {
      this.missing = `no sample this tick (${tick.unavailable})`;
      return;
    }
    const { canary, stable } = tick.requests;
    if (canary === null) this.missing = 'no canary request series this tick';
    else if (stable === null) this.missing = 'no stable request series this tick';
    this.canary += canary ?? 0;
    this.stable += stable ?? 0;
    const skip = this.skipNext;
    this.skipNext = false;
    // A missing canary while stable has traffic is a finding: it counts as zero canary requests.
    if (this.test && !skip && stable !== null && stable + (canary ?? 0) > 0) {
      this.test.update(canary ?? 0, stable, tick.weight);
    }
  }

  evidence(): MetricEvidence {
    const e = this.test?.eValue;
    const crossed = e !== undefined && e >= this.threshold;
    const total = this.canary + this.stable;
    const share = total > 0 ? this.canary / total : null;
    const base =
      `requests ${formatCount(this.canary)} on canary vs ${formatCount(this.stable)} on stable ` +
      `(${formatPercent(share)} to the canary at weight ${formatPercent(weightShare(this.weight))})`;
    let status: MetricEvidence['status'];
    let sentence: string;
    if (crossed && this.test) {
      status = 'fail';
      const tested = this.test.canaryRequests + this.test.stableRequests;
      const testedShare = tested > 0 ? this.test.canaryRequests / tested : 0;
      sentence =
        `canary got ${formatPercent(testedShare)} of requests at weight ${formatPercent(weightShare(this.weight))} ` +
        `(${formatCount(this.canary)} vs ${formatCount(this.stable)} on stable; SRM e-value ${formatEValue(e)} ≥ ` +
        `${formatEValue(this.threshold)}): it gets too little traffic or has crashed`;
    } else {
      status = e !== undefined && e >= warningLevel(this.threshold) ? 'warn' : 'ok';
      sentence =
        e !== undefined ? `${base}; SRM e-value ${formatEValue(e)} < ${formatEValue(this.threshold)}` : base;
      if (total === 0) status = 'no-data';
      if (this.missing) {
        status = status === 'warn' ? 'warn' : 'no-data';
        sentence += `; ${this.missing}`;
      }
    }
    return {
      metric: 'traffic',
      title: 'requests',
      kind: 'traffic',
      unit: 'count',
      canary: this.canary,
      stable: this.stable,
      canaryEvents: this.canary,
      stableEvents: this.stable,
      ...(e !== undefined ? { eValue: finiteEValue(e), eThreshold: this.threshold } : {}),
      status,
      sentence
    };
  }
}
