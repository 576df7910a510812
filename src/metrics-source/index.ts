// Picks the metric source by name. The config calls sourceMetrics(); the wiring resolves the arm
// placeholders the chosen source's queries use (arm-names.ts).
import type { BuiltInGuards, MetricNames } from '../config/default-metrics.js';
import type { RoutingPreset } from '../config/spec.js';
import { appSource } from './app.js';
import { ingressNginxSource } from './ingress-nginx.js';
import { istioSource } from './istio.js';
import { traefikSource } from './traefik.js';
import { ConfigError } from '../config/errors.js';
import type { MetricsSource, MetricsSourceName, SourceMetrics } from './types.js';

export { METRICS_SOURCES, type MetricsSourceName } from './types.js';

const SOURCES: Record<MetricsSourceName, MetricsSource> = {
  app: appSource,
  'ingress-nginx': ingressNginxSource,
  istio: istioSource,
  traefik: traefikSource
};

/** The source's traffic query and built-in metrics; a source that cannot work with `routing` throws. */
export function sourceMetrics(
  name: MetricsSourceName,
  names: MetricNames,
  guards: BuiltInGuards,
  routing: RoutingPreset,
  where: string
): SourceMetrics {
  const source = SOURCES[name];
  if (source.routings && !source.routings.includes(routing)) {
    throw new ConfigError(
      `${where}: metrics-source ${name} tells the arms apart only with routing ${source.routings.join(' or ')} (routing is ${routing}); choose another metrics-source or routing.`
    );
  }
  return source.build(names, guards);
}
