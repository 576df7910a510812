// Selector building shared by the sources: `metric{matcher,...}`, with the user's extra matchers
// (`names.extra-matchers`) last, and the built-in error and latency metrics from a requests counter
// and a histogram.
import {
  DEFAULT_LATENCY_QUANTILE,
  bucketMetricName,
  histogramUnit,
  type BuiltInGuards,
  type MetricNames
} from '../config/default-metrics.js';
import type { ErrorsMetricSpec, LatencyMetricSpec } from '../config/spec.js';

export function selector(metric: string, matchers: string[], names: MetricNames): string {
  return `${metric}{${[...matchers, ...names.extraMatchers].join(',')}}`;
}

export interface HttpCounters {
  requestsMetric: string;
  histogram: string;
  statusLabel: string;
  /** The matchers that select one arm (with placeholders). */
  arm: string[];
}

export function errorRate(c: HttpCounters, names: MetricNames, guards: BuiltInGuards): ErrorsMetricSpec {
  return {
    name: 'error-rate',
    title: '5xx rate',
    kind: 'errors',
    bad: selector(c.requestsMetric, [...c.arm, `${c.statusLabel}=~"5.."`], names),
    total: selector(c.requestsMetric, c.arm, names),
    ...(guards.maxErrorRate !== undefined && { max: guards.maxErrorRate })
  };
}

export function latency(c: HttpCounters, names: MetricNames, guards: BuiltInGuards): LatencyMetricSpec {
  return {
    name: 'latency-p95',
    title: 'p95 latency',
    kind: 'latency',
    buckets: selector(bucketMetricName(c.histogram), c.arm, names),
    quantile: DEFAULT_LATENCY_QUANTILE,
    bucketUnit: histogramUnit(c.histogram),
    ...(guards.maxLatencyMs !== undefined && { maxMs: guards.maxLatencyMs })
  };
}
