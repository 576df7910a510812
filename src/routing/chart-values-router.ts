// The router for presets whose weight travels in the canary release's chart values: each step is a
// Helm upgrade of the canary release (the values are built by the preset, see chart-values.ts).
import type { RoutingPreset } from '../config/spec.js';
import type { CanaryChart, TrafficRouter } from './types.js';

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
    })
  };
}
