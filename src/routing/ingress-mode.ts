// Who renders the canary Ingress for ingress-nginx: the chart, when its values have
// `ingress.annotations` (then the canary release's own Ingress carries the canary annotations), or else
// the action, which creates one itself. Decided from the chart's default values (`helm show values`).
export type CanaryIngressMode = 'chart' | 'action';

export function canaryIngressMode(defaults: unknown): CanaryIngressMode {
  const ingress = isMap(defaults) ? defaults.ingress : undefined;
  return isMap(ingress) && 'annotations' in ingress ? 'chart' : 'action';
}

/**
 * With the action's own canary Ingress, the canary release must not render an Ingress of its own for
 * the same hosts (it would take traffic as a second stable): the usual `ingress.enabled` switch, when
 * the chart has one, is set false on the canary release.
 */
export function hasIngressSwitch(defaults: unknown): boolean {
  const ingress = isMap(defaults) ? defaults.ingress : undefined;
  return isMap(ingress) && typeof ingress.enabled === 'boolean';
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
