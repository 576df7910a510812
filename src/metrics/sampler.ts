// MetricSampler: reads every counter the analysis names, for both arms, and turns raw values into
// per-tick deltas. All queries of one read are evaluated at one instant, and a read only replaces
// the reference when every query answered: after a failed sample, the next success carries the
// deltas accumulated since the last good one.
import type { AnalysisSpec, MetricSpec } from '../config/spec.js';
import type { Baseline } from '../judge/types.js';
import {
  forgetRestarted,
  referenceOf,
  sumValues,
  takeDeltas,
  type CounterSnapshot,
  type DeltaResult
} from './deltas.js';
import { histogramFromBuckets } from './histogram.js';
import { renderQuery, templatesOf, type QueryArm } from './promql.js';
import type { Arm, ArmObservation, ArmPair, CounterSeries, MetricsProvider } from './types.js';

export interface SamplerTarget {
  release: string;
  canaryRelease: string;
  namespace: string;
  analysis: AnalysisSpec;
  /** Milliseconds since the epoch, for the query time. Default Date.now. */
  now?: () => number;
  /**
   * The arm placeholders beyond release and namespace (`{{pods}}`, `{{service}}`...), resolved once,
   * at the first read, from the release's objects. Without it only release and namespace are known.
   */
  armValues?: () => Promise<Record<Arm, QueryArm>>;
}

export interface MetricSample {
  requests: ArmPair<number>;
  metrics: Record<string, ArmPair<ArmObservation>>;
}

/** Per rendered query: the series it returned in this read (raw values or deltas). */
type Read = Map<string, CounterSeries[]>;

const ARMS: Arm[] = ['canary', 'stable'];

export class MetricSampler {
  private references = new Map<string, CounterSnapshot>();
  private arms?: Record<Arm, QueryArm>;

  constructor(
    private readonly provider: MetricsProvider,
    private readonly target: SamplerTarget
  ) {}

  /** A sampler over the same Prometheus for `analysis` (fewer metrics, after the preflight). */
  forAnalysis(analysis: AnalysisSpec): MetricSampler {
    return new MetricSampler(this.provider, { ...this.target, analysis });
  }

  /** Reads every counter (both arms) as the reference; returns stable's cumulative observations. */
  async baseline(): Promise<Baseline> {
    const raw = await this.readAll();
    this.references = new Map([...raw].map(([query, series]) => [query, referenceOf(series)]));
    const stable: Baseline['stable'] = {};
    for (const metric of this.target.analysis.metrics)
      stable[metric.name] = this.observe(metric, 'stable', raw);
    return { stable };
  }

  /** Deltas since the previous successful read; arms without series are null. */
  async sample(): Promise<MetricSample> {
    const raw = await this.readAll();
    const deltas: Read = new Map();
    const results: Array<{ query: string; result: DeltaResult }> = [];
    const restarted = new Set<string>();
    for (const [query, series] of raw) {
      const reference = this.references.get(query);
      if (reference === undefined) {
        // Never read before (no baseline): this read only sets the reference.
        results.push({ query, result: { ...takeDeltas(referenceOf(series), series), restarted: new Set() } });
      } else {
        const result = takeDeltas(reference, series);
        results.push({ query, result });
        result.restarted.forEach((target) => restarted.add(target));
      }
    }
    // A restart seen in any query (e.g. the total) also resets the target's absent series in the others.
    const references = new Map<string, CounterSnapshot>();
    for (const { query, result } of results) {
      forgetRestarted(result.snapshot, result.present, restarted);
      references.set(query, result.snapshot);
      deltas.set(query, result.deltas);
    }
    const requests: ArmPair<number> = { canary: null, stable: null };
    const metrics: MetricSample['metrics'] = {};
    for (const arm of ARMS) {
      const series = deltas.get(this.render(this.target.analysis.requests, arm))!;
      requests[arm] = series.length === 0 ? null : sumValues(series);
    }
    for (const metric of this.target.analysis.metrics) {
      metrics[metric.name] = {
        canary: this.observe(metric, 'canary', deltas),
        stable: this.observe(metric, 'stable', deltas)
      };
    }
    // Commit only once everything was read and understood, so a failure loses no counts.
    this.references = references;
    return { requests, metrics };
  }

  private render(template: string, arm: Arm): string {
    const release = arm === 'canary' ? this.target.canaryRelease : this.target.release;
    return renderQuery(template, { ...this.arms?.[arm], release, namespace: this.target.namespace });
  }

  /** Every distinct query of both arms, once each, at one evaluation time. Throws if any fails. */
  private async readAll(): Promise<Read> {
    this.arms ??= await this.target.armValues?.();
    const queries = new Set<string>();
    for (const arm of ARMS) {
      queries.add(this.render(this.target.analysis.requests, arm));
      for (const metric of this.target.analysis.metrics) {
        for (const template of templatesOf(metric)) queries.add(this.render(template, arm));
      }
    }
    const time = (this.target.now ?? Date.now)() / 1000;
    const list = [...queries];
    const results = await Promise.all(list.map((query) => this.provider.query(query, time)));
    return new Map(list.map((query, i) => [query, results[i]]));
  }

  /** One metric for one arm from a read; null when the arm has no series for its denominator. */
  private observe(metric: MetricSpec, arm: Arm, read: Read): ArmObservation | null {
    const series = (template: string) => read.get(this.render(template, arm))!;
    switch (metric.kind) {
      case 'errors': {
        const total = series(metric.total);
        // No bad series is normal (no 5xx has happened yet): zero bad, not missing data.
        return total.length === 0
          ? null
          : { kind: 'errors', bad: sumValues(series(metric.bad)), total: sumValues(total) };
      }
      case 'ratio': {
        const denominator = series(metric.denominator);
        if (denominator.length === 0) return null;
        return {
          kind: 'ratio',
          numerator: sumValues(series(metric.numerator)),
          denominator: sumValues(denominator)
        };
      }
      case 'latency': {
        const buckets = series(metric.buckets);
        if (buckets.length === 0) return null;
        const histogram = histogramFromBuckets(buckets);
        if (!histogram) {
          throw new Error(
            `metric ${metric.name}: query ${this.render(metric.buckets, arm)} returned series without an "le" label; ` +
              'expected the _bucket series of a Prometheus histogram'
          );
        }
        return { kind: 'latency', histogram };
      }
    }
  }
}
