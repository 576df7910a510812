// Routing presets: which chart values carry the canary's traffic weight (see the chart contract in
// docs/deploy.md). The chart decides how weight reaches traffic; the action only sets values.
import type { RolloutSpec } from '../config/spec.js';
import { escapeSetKeySegment, escapeSetValue } from './set-syntax.js';

/** One value for the helm command line. `value` is already in Helm's --set syntax. */
export interface HelmValue {
  key: string;
  value: string;
  /** Pass with --set-string (annotations must stay strings: "true", "25"). */
  string?: boolean;
}

const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

function annotationKey(name: string): string {
  return `ingress.annotations.${escapeSetKeySegment(NGINX_ANNOTATION_PREFIX + name)}`;
}

/** `{{weight}}` (spaces allowed inside the braces) in the user's weight-values templates. */
const WEIGHT_PLACEHOLDER = /\{\{\s*weight\s*\}\}/g;

export function weightValues(
  spec: Pick<RolloutSpec, 'routing' | 'release' | 'weightValues'>,
  weight: number
): HelmValue[] {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new Error(`canary weight must be an integer in 0..100, got ${weight}`);
  }
  const w = String(weight);
  if (spec.routing === 'values') {
    if (spec.weightValues.length === 0) {
      throw new Error('input `weight-values` is required with `routing: values` (lines like key={{weight}})');
    }
    // The user's lines are Helm --set syntax already; only the placeholder is replaced.
    return spec.weightValues.map(({ key, value }) => ({ key, value: value.replace(WEIGHT_PLACEHOLDER, w) }));
  }
  const values: HelmValue[] = [
    { key: 'canary.enabled', value: 'true' },
    { key: 'canary.weight', value: w },
    { key: 'canary.routing', value: spec.routing },
    { key: 'canary.stableRelease', value: escapeSetValue(spec.release), string: true }
  ];
  if (spec.routing === 'ingress-nginx') {
    // For charts that only expose ingress.annotations (most public charts).
    values.push(
      { key: annotationKey('canary'), value: 'true', string: true },
      { key: annotationKey('canary-weight'), value: w, string: true }
    );
  }
  return values;
}
