// values: the user names the chart values that carry the weight (`weight-values`, lines like
// `mesh.canaryPercent={{weight}}`); only the placeholder is replaced, the rest is Helm --set syntax.
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { checkedWeight } from './canary-contract.js';
import { chartValuesRouter } from './chart-values-router.js';
import type { CanaryChart, TrafficRouter } from './types.js';

/** `{{weight}}` (spaces allowed inside the braces) in the user's weight-values templates. */
const WEIGHT_PLACEHOLDER = /\{\{\s*weight\s*\}\}/g;

export function valuesChartValues(spec: Pick<RolloutSpec, 'weightValues'>, weight: number): HelmValue[] {
  const w = String(checkedWeight(weight));
  if (spec.weightValues.length === 0) {
    throw new Error('input `weight-values` is required with `routing: values` (lines like key={{weight}})');
  }
  return spec.weightValues.map(({ key, value }) => ({ key, value: value.replace(WEIGHT_PLACEHOLDER, w) }));
}

export function valuesRouter(spec: Pick<RolloutSpec, 'canaryRelease'>, chart: CanaryChart): TrafficRouter {
  return chartValuesRouter('values', spec.canaryRelease, chart);
}
