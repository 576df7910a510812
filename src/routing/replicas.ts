// replicas: canary and stable pods share one Service; the chart sizes the canary from `canary.weight`.
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { canaryContractValues } from './canary-contract.js';
import { chartValuesRouter } from './chart-values-router.js';
import type { CanaryChart, TrafficRouter } from './types.js';

export function replicasChartValues(
  spec: Pick<RolloutSpec, 'routing' | 'release'>,
  weight: number
): HelmValue[] {
  return canaryContractValues(spec, weight);
}

export function replicasRouter(spec: Pick<RolloutSpec, 'canaryRelease'>, chart: CanaryChart): TrafficRouter {
  return chartValuesRouter('replicas', spec.canaryRelease, chart);
}
