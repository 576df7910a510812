// The router for presets whose weight travels in the canary release's chart values: each step is a
// Helm upgrade of the canary release (the values are built by the preset, see chart-values.ts).
import type { RoutingPreset } from '../config/spec.js';
import { objectsChangedBetween } from './render-diff.js';
import type { CanaryChart, RoutingPreflight, RoutingProbe, TrafficRouter } from './types.js';

export function chartValuesRouter(
  preset: RoutingPreset,
  canaryRelease: string,
  chart: CanaryChart
): TrafficRouter {
  return {
    preset,
    carriesMarks: true,
    // The release was installed with the values for its first weight: nothing is left to route.
    prepare: async () => {},
    setWeight: (weight, marks) => chart.setWeight(weight, marks),
    remove: () => chart.zeroWeight(),
    // Stable's upgrade touches none of the canary release's objects.
    beforePromotion: async () => {},
    describe: async (canary) => ({
      preset,
      target: `chart values of ${canaryRelease}`,
      weight: canary.exists ? canary.weight : undefined
    }),
    preflight: (probe) => weightReachesRender(preset, canaryRelease, probe)
  };
}

/** The weight takes effect when the canary's render at `weight` differs from its render at 0. */
async function weightReachesRender(
  preset: RoutingPreset,
  canaryRelease: string,
  probe: RoutingProbe
): Promise<RoutingPreflight> {
  const [atWeight, atZero] = await Promise.all([probe.renderCanary(probe.weight), probe.renderCanary(0)]);
  const changed = objectsChangedBetween(atWeight, atZero);
  if (changed.length > 0)
    return { ok: true, detail: `the render at ${probe.weight}% differs from 0% in ${changed.join(', ')}` };
  return {
    ok: false,
    detail:
      `routing ${preset}: the render of ${canaryRelease} at ${probe.weight}% is the same as at 0%, so no weight would reach traffic. ` +
      `The chart does not read the values ${preset === 'values' ? 'in `weight-values`' : `the ${preset} preset sets (the storefront chart's \`canary.*\`, docs/deploy.md)`}: ` +
      'choose the routing that fits the chart (docs/charts.md), or name the values it reads with `routing: values` and `weight-values`.'
  };
}
