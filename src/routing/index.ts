// Picks the router for the spec's preset. Only the wiring and the Helm argv builders import this;
// the engine sees the TrafficRouter port.
import type { RolloutSpec, RoutingPreset } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { gatewayApiChartValues, gatewayApiRouter } from './gateway-api.js';
import { ingressNginxChartValues, ingressNginxRouter } from './ingress-nginx.js';
import { istioChartValues, istioRouter } from './istio.js';
import type { KubeObjects, ReleaseServices } from './kube.js';
import { replicasChartValues, replicasRouter } from './replicas.js';
import { valuesChartValues, valuesRouter } from './values.js';
import type { CanaryChart, TrafficRouter } from './types.js';

type RouterSpec = Pick<
  RolloutSpec,
  | 'routing'
  | 'release'
  | 'canaryRelease'
  | 'weightValues'
  | 'namespace'
  | 'route'
  | 'dryRun'
  | 'canaryIngress'
  | 'canaryIngressSwitch'
  | 'canaryRouteSwitches'
>;

export interface RouterDeps {
  /** The canary release, for the presets whose weight travels in its chart values. */
  chart: CanaryChart;
  /** The Kubernetes API, for the routers that edit a route object (gateway-api, istio). */
  kube: KubeObjects;
  /** What each release renders, to pair stable's Service with the canary's and hand routes back. */
  services: ReleaseServices;
  sleep: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

interface Preset {
  chartValues(spec: RouterSpec, weight: number): HelmValue[];
  router(spec: RouterSpec, deps: RouterDeps): TrafficRouter;
}

const PRESETS: Record<RoutingPreset, Preset> = {
  'ingress-nginx': {
    chartValues: ingressNginxChartValues,
    router: (s, d) => ingressNginxRouter(s, d.chart, d)
  },
  'gateway-api': { chartValues: gatewayApiChartValues, router: (s, d) => gatewayApiRouter(s, d) },
  istio: { chartValues: istioChartValues, router: (s, d) => istioRouter(s, d) },
  replicas: { chartValues: replicasChartValues, router: (s, d) => replicasRouter(s, d.chart) },
  values: { chartValues: valuesChartValues, router: (s, d) => valuesRouter(s, d.chart) }
};

/** The values the canary release carries for `weight` (none for a router that edits an API object). */
export function routingChartValues(spec: RouterSpec, weight: number): HelmValue[] {
  return PRESETS[spec.routing].chartValues(spec, weight);
}

export function createRouter(spec: RouterSpec, deps: RouterDeps): TrafficRouter {
  return PRESETS[spec.routing].router(spec, deps);
}
