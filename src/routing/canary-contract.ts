// The storefront chart's `canary.*` values contract (docs/deploy.md): the chart reads the weight,
// the preset and the stable release's name, and routes accordingly. Used by the presets whose
// weight still travels through the canary release's values.
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { escapeSetValue } from '../deploy/set-syntax.js';

export function canaryContractValues(
  spec: Pick<RolloutSpec, 'routing' | 'release'>,
  weight: number
): HelmValue[] {
  return [
    { key: 'canary.enabled', value: 'true' },
    { key: 'canary.weight', value: String(checkedWeight(weight)) },
    { key: 'canary.routing', value: spec.routing },
    { key: 'canary.stableRelease', value: escapeSetValue(spec.release), string: true }
  ];
}

export function checkedWeight(weight: number): number {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new Error(`canary weight must be an integer in 0..100, got ${weight}`);
  }
  return weight;
}
