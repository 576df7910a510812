// Istio: the storefront chart's `canary.*` contract renders the VirtualService weights.
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { canaryContractValues } from './canary-contract.js';
import { chartValuesRouter } from './chart-values-router.js';
import type { CanaryChart, TrafficRouter } from './types.js';

export function istioChartValues(
  spec: Pick<RolloutSpec, 'routing' | 'release'>,
  weight: number
): HelmValue[] {
  return canaryContractValues(spec, weight);
}

export function istioRouter(spec: Pick<RolloutSpec, 'canaryRelease'>, chart: CanaryChart): TrafficRouter {
  return chartValuesRouter('istio', spec.canaryRelease, chart);
}
