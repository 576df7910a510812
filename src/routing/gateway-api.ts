// Gateway API: the storefront chart's `canary.*` contract renders the HTTPRoute weights. (Issue 12: the action will edit the user's HTTPRoute itself.)
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
