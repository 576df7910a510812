// ingress-nginx: the canary release's own Ingress carries the canary annotations. Charts that expose
// `ingress.annotations` (most public charts) get them there; the storefront chart reads `canary.*`.
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { escapeSetKeySegment } from '../deploy/set-syntax.js';
import { canaryContractValues } from './canary-contract.js';
import { chartValuesRouter } from './chart-values-router.js';
import type { CanaryChart, TrafficRouter } from './types.js';

const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

function annotationKey(name: string): string {
  return `ingress.annotations.${escapeSetKeySegment(NGINX_ANNOTATION_PREFIX + name)}`;
}

export function ingressNginxChartValues(
  spec: Pick<RolloutSpec, 'routing' | 'release'>,
  weight: number
): HelmValue[] {
  return [
    ...canaryContractValues(spec, weight),
    { key: annotationKey('canary'), value: 'true', string: true },
    { key: annotationKey('canary-weight'), value: String(weight), string: true }
  ];
}

export function ingressNginxRouter(
  spec: Pick<RolloutSpec, 'canaryRelease'>,
  chart: CanaryChart
): TrafficRouter {
  return chartValuesRouter('ingress-nginx', spec.canaryRelease, chart);
}
