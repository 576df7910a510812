// `istio`: the sidecars' standard metrics, as the destination's proxy reports them (one count per
// request, where the mesh's routing sent it). Arms are the destination workloads: stable's and the
// canary's Deployments.
import { NAMESPACE_PLACEHOLDER } from '../config/promql.js';
import { errorRate, latency, selector, type HttpCounters } from './selectors.js';
import type { MetricsSource } from './types.js';

export const ISTIO_REQUESTS = 'istio_requests_total';
export const ISTIO_DURATION = 'istio_request_duration_milliseconds';

const COUNTERS: HttpCounters = {
  requestsMetric: ISTIO_REQUESTS,
  histogram: ISTIO_DURATION,
  statusLabel: 'response_code',
  arm: [
    'reporter="destination"',
    `destination_workload_namespace="${NAMESPACE_PLACEHOLDER}"`,
    'destination_workload="{{workload}}"'
  ]
};

export const istioSource: MetricsSource = {
  name: 'istio',
  build: (names, guards) => ({
    requests: selector(COUNTERS.requestsMetric, COUNTERS.arm, names),
    metrics: [errorRate(COUNTERS, names, guards), latency(COUNTERS, names, guards)]
  })
};
