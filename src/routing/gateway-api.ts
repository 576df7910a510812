// Gateway API, selectable today: the storefront chart's `canary.*` contract renders the HTTPRoute
// weights on the canary release. The router that edits the user's own HTTPRoute instead
// (httproute-router.ts) is built and tested but not selectable yet: Helm 4 upgrades with server-side
// apply, and stable's promotion conflicts with the route edit (see docs/charts.md).
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { canaryContractValues } from './canary-contract.js';
import { chartValuesRouter } from './chart-values-router.js';
import type { CanaryChart, TrafficRouter } from './types.js';

export function gatewayApiChartValues(
  spec: Pick<RolloutSpec, 'routing' | 'release'>,
  weight: number
): HelmValue[] {
  return canaryContractValues(spec, weight);
}

export function gatewayApiRouter(
  spec: Pick<RolloutSpec, 'canaryRelease'>,
  chart: CanaryChart
): TrafficRouter {
  return chartValuesRouter('gateway-api', spec.canaryRelease, chart);
}
