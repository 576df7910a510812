// The built-in metrics, for the storefront and any app that exports the usual HTTP metrics:
// `error-rate` (5xx over requests), `latency-p95` (from a histogram) and `conversion`
// (checkouts over sessions), plus the `requests` traffic query. Metric and label names come
// from `MetricNames`, which the YAML `names:` section overrides.
import type { ErrorsMetricSpec, LatencyMetricSpec, RatioMetricSpec } from './spec.js';
import { NAMESPACE_PLACEHOLDER, PODS_PLACEHOLDER, RELEASE_PLACEHOLDER } from './promql.js';

export interface MetricNames {
  requestsMetric: string;
  /** Histogram base name; `_bucket` is appended when missing. */
  latencyHistogram: string;
  sessionsMetric: string;
  checkoutsMetric: string;
  statusCodeLabel: string;
  releaseLabel: string;
  /**
   * Non-empty: select each arm by pod name on this label (`pod=~"{{pods}}"`) instead of by
   * `releaseLabel`, for app metrics that carry no release label (e.g. podinfo's).
   */
  podLabel: string;
  /** Empty: no namespace matcher (for Prometheus setups without a namespace label). */
  namespaceLabel: string;
  /** Extra matchers added to every built-in selector, e.g. `job="storefront"`. */
  extraMatchers: string[];
}

export const DEFAULT_METRIC_NAMES: MetricNames = {
  requestsMetric: 'http_requests_total',
  latencyHistogram: 'http_request_duration_seconds',
  sessionsMetric: 'storefront_sessions_total',
  checkoutsMetric: 'storefront_checkouts_total',
  statusCodeLabel: 'code',
  releaseLabel: 'release',
  podLabel: '',
  namespaceLabel: 'namespace',
  extraMatchers: []
};

export const BUILT_IN_METRICS = ['error-rate', 'latency-p95', 'conversion'] as const;
export type BuiltInMetricName = (typeof BUILT_IN_METRICS)[number];
export const BUILT_IN_KINDS: Record<BuiltInMetricName, 'errors' | 'latency' | 'ratio'> = {
  'error-rate': 'errors',
  'latency-p95': 'latency',
  conversion: 'ratio'
};

export const DEFAULT_CONVERSION_MARGIN = 0.1;
export const DEFAULT_LATENCY_QUANTILE = 0.95;

/** `metric{namespace="{{namespace}}",release="{{release}}",<extra>,<more>}` (or `pod=~"{{pods}}"`) */
export function armSelector(metric: string, names: MetricNames, more: string[] = []): string {
  const matchers = [
    ...(names.namespaceLabel ? [`${names.namespaceLabel}="${NAMESPACE_PLACEHOLDER}"`] : []),
    names.podLabel
      ? `${names.podLabel}=~"${PODS_PLACEHOLDER}"`
      : `${names.releaseLabel}="${RELEASE_PLACEHOLDER}"`,
    ...names.extraMatchers,
    ...more
  ];
  return `${metric}{${matchers.join(',')}}`;
}

export function bucketMetricName(histogram: string): string {
  return histogram.endsWith('_bucket') ? histogram : `${histogram}_bucket`;
}

/** Histograms named *_milliseconds / *_ms have `le` bounds in ms; the Prometheus convention is seconds. */
export function histogramUnit(histogram: string): 'seconds' | 'milliseconds' {
  return /_(milliseconds|ms)(_bucket)?$/.test(histogram) ? 'milliseconds' : 'seconds';
}

export function trafficQuery(names: MetricNames): string {
  return armSelector(names.requestsMetric, names);
}

export interface BuiltInGuards {
  maxErrorRate?: number;
  maxLatencyMs?: number;
  minConversionRate?: number;
}

export function defaultErrorRate(names: MetricNames, guards: BuiltInGuards): ErrorsMetricSpec {
  return {
    name: 'error-rate',
    title: '5xx rate',
    kind: 'errors',
    bad: armSelector(names.requestsMetric, names, [`${names.statusCodeLabel}=~"5.."`]),
    total: armSelector(names.requestsMetric, names),
    ...(guards.maxErrorRate !== undefined && { max: guards.maxErrorRate })
  };
}

export function defaultLatency(names: MetricNames, guards: BuiltInGuards): LatencyMetricSpec {
  return {
    name: 'latency-p95',
    title: 'p95 latency',
    kind: 'latency',
    buckets: armSelector(bucketMetricName(names.latencyHistogram), names),
    quantile: DEFAULT_LATENCY_QUANTILE,
    bucketUnit: histogramUnit(names.latencyHistogram),
    ...(guards.maxLatencyMs !== undefined && { maxMs: guards.maxLatencyMs })
  };
}

export function defaultConversion(names: MetricNames, guards: BuiltInGuards): RatioMetricSpec {
  return {
    name: 'conversion',
    title: 'Conversion',
    kind: 'ratio',
    numerator: armSelector(names.checkoutsMetric, names),
    denominator: armSelector(names.sessionsMetric, names),
    margin: DEFAULT_CONVERSION_MARGIN,
    ...(guards.minConversionRate !== undefined && { min: guards.minConversionRate })
  };
}

export function defaultMetrics(
  names: MetricNames,
  guards: BuiltInGuards
): [ErrorsMetricSpec, LatencyMetricSpec, RatioMetricSpec] {
  return [defaultErrorRate(names, guards), defaultLatency(names, guards), defaultConversion(names, guards)];
}
