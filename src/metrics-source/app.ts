// `app`: the application's own HTTP metrics (http_requests_total with a status-code label, a latency
// histogram, and the storefront's business counters for conversion). Arms are told apart by the
// `release` label (from PodMonitor/ServiceMonitor relabeling) or, with `names.pod-label`, by pod name.
import { defaultMetrics, trafficQuery } from '../config/default-metrics.js';
import type { MetricsSource } from './types.js';

export const appSource: MetricsSource = {
  name: 'app',
  build: (names, guards) => ({ requests: trafficQuery(names), metrics: defaultMetrics(names, guards) })
};
