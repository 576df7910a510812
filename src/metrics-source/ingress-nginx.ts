// `ingress-nginx`: the controller's own counters. ingress-nginx counts a request that its canary
// Ingress took under the MAIN Ingress's name (`ingress`), with the canary's upstream
// (`<namespace>-<service>-<port>`) in the `canary` label; a request stable served has `canary=""`.
// So both arms select stable's Ingress, and `{{nginx-canary}}` tells them apart.
import { NAMESPACE_PLACEHOLDER } from '../config/promql.js';
import type { MetricNames } from '../config/default-metrics.js';
import { errorRate, latency, selector, type HttpCounters } from './selectors.js';
import type { MetricsSource } from './types.js';

export const NGINX_REQUESTS = 'nginx_ingress_controller_requests';
export const NGINX_DURATION = 'nginx_ingress_controller_request_duration_seconds';

function counters(names: MetricNames): HttpCounters {
  return {
    requestsMetric: NGINX_REQUESTS,
    histogram: NGINX_DURATION,
    statusLabel: 'status',
    arm: [
      // The Ingress's namespace; `namespace-label` renames it (e.g. exported_namespace).
      ...(names.namespaceLabel ? [`${names.namespaceLabel}="${NAMESPACE_PLACEHOLDER}"`] : []),
      'ingress="{{ingress}}"',
      'canary=~"{{nginx-canary}}"'
    ]
  };
}

export const ingressNginxSource: MetricsSource = {
  name: 'ingress-nginx',
  // The canary annotations are what puts the canary upstream in the `canary` label.
  routings: ['ingress-nginx'],
  build(names, guards) {
    const c = counters(names);
    return {
      requests: selector(c.requestsMetric, c.arm, names),
      metrics: [errorRate(c, names, guards), latency(c, names, guards)]
    };
  }
};
