// `traefik`: Traefik's per-service counters. Traefik names its services after the objects that made
// them (traefik-names.ts), so `{{traefik-service}}` is a regex built for the routing in use.
import { errorRate, latency, selector, type HttpCounters } from './selectors.js';
import type { MetricsSource } from './types.js';

export const TRAEFIK_REQUESTS = 'traefik_service_requests_total';
export const TRAEFIK_DURATION = 'traefik_service_request_duration_seconds';

const COUNTERS: HttpCounters = {
  requestsMetric: TRAEFIK_REQUESTS,
  histogram: TRAEFIK_DURATION,
  statusLabel: 'code',
  arm: ['service=~"{{traefik-service}}"']
};

export const traefikSource: MetricsSource = {
  name: 'traefik',
  // Traefik's ingress-nginx provider (canary annotations) and its Gateway API provider (HTTPRoute).
  routings: ['ingress-nginx', 'gateway-api'],
  build: (names, guards) => ({
    requests: selector(COUNTERS.requestsMetric, COUNTERS.arm, names),
    metrics: [errorRate(COUNTERS, names, guards), latency(COUNTERS, names, guards)]
  })
};
