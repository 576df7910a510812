// ingress-nginx: the canary release's own Ingress carries the canary annotations. Charts that expose
// `ingress.annotations` (most public charts) get them there; the storefront chart reads `canary.*`.
// Helm installs them at weight 0, and the steps patch the weight annotation (chart-ingress-router.ts).
// For a chart without them the action creates the canary Ingress itself (owned-ingress-router.ts).
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { escapeSetKeySegment } from '../deploy/set-syntax.js';
import { canaryContractValues } from './canary-contract.js';
import { chartValuesRouter } from './chart-values-router.js';
import { ownedIngressRouter, type OwnedIngressDeps } from './owned-ingress-router.js';
import { chartIngressRouter, type ChartIngressDeps } from './chart-ingress-router.js';
import type { CanaryChart, TrafficRouter } from './types.js';

const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

function annotationKey(name: string): string {
  return `ingress.annotations.${escapeSetKeySegment(NGINX_ANNOTATION_PREFIX + name)}`;
}

export function ingressNginxChartValues(
  spec: Pick<RolloutSpec, 'routing' | 'release' | 'canaryIngress' | 'canaryIngressSwitch'>,
  weight: number
): HelmValue[] {
  // The action's own canary Ingress carries the weight; values the chart does not know could be
  // rejected by a strict schema. The canary release's own Ingress (same hosts) is switched off.
  if (spec.canaryIngress === 'action') {
    return spec.canaryIngressSwitch ? [{ key: 'ingress.enabled', value: 'false' }] : [];
  }
  return [
    ...canaryContractValues(spec, weight),
    { key: annotationKey('canary'), value: 'true', string: true },
    { key: annotationKey('canary-weight'), value: String(weight), string: true }
  ];
}

type IngressSpec = Pick<RolloutSpec, 'namespace' | 'release' | 'canaryRelease' | 'canaryIngress'> & {
  dryRun?: boolean;
};

export function ingressNginxRouter(
  spec: IngressSpec,
  chart: CanaryChart,
  kube: (OwnedIngressDeps & ChartIngressDeps) | undefined
): TrafficRouter {
  const byChart = chartValuesRouter('ingress-nginx', spec.canaryRelease, chart);
  if (!kube) return byChart;
  // The chart's own canary Ingress: installed by Helm at weight 0, every step after it one patch.
  const patched: TrafficRouter = { ...chartIngressRouter(spec, kube), preflight: byChart.preflight };
  if (spec.canaryIngress === 'chart') return patched;
  const owned = ownedIngressRouter(spec, kube);
  if (spec.canaryIngress === 'action') return owned;
  // The chart is not known (e.g. `command: rollback` without `chart`): whichever Ingress carries the
  // weight. The steps (if any) stay Helm upgrades; removal zeroes whichever canary Ingress exists.
  return {
    ...byChart,
    async remove() {
      await owned.remove();
      await patched.remove();
    },
    async describe(canary) {
      const ownedRoute = await owned.describe(canary);
      if (ownedRoute.target.startsWith('Ingress ')) return ownedRoute;
      const rendered = await patched.describe(canary);
      return rendered.weight !== undefined ? rendered : byChart.describe(canary);
    }
  };
}
