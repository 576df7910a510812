// A metric source: where the built-in metrics come from. `app` reads the application's own HTTP
// metrics; the data-plane sources (ingress-nginx, istio, traefik) read what the router or mesh
// already counts for every request, so the app needs no instrumentation. Each source gives the
// traffic query and the built-in metrics as templates; the arm placeholders in them are filled per
// arm from the release's objects (arm-names.ts).
import type { BuiltInGuards, MetricNames } from '../config/default-metrics.js';
import type { MetricSpec, MetricsSourceName, RoutingPreset } from '../config/spec.js';

export type { MetricsSourceName } from '../config/spec.js';
export const METRICS_SOURCES: readonly MetricsSourceName[] = ['app', 'ingress-nginx', 'istio', 'traefik'];

export interface SourceMetrics {
  /** The traffic counter per arm (sample sizes, the sample-ratio check). */
  requests: string;
  /** The built-in metrics this source can measure. */
  metrics: MetricSpec[];
}

export interface MetricsSource {
  readonly name: MetricsSourceName;
  /** Routing presets this source can tell the arms apart with; undefined: any. */
  readonly routings?: readonly RoutingPreset[];
  build(names: MetricNames, guards: BuiltInGuards): SourceMetrics;
}
