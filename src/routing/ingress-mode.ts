// Who renders the canary Ingress for ingress-nginx: the chart, when its values have
// `ingress.annotations` (then the canary release's own Ingress carries the canary annotations), or else
// the action, which creates one itself. Decided from the chart's default values (`helm show values`).
export type CanaryIngressMode = 'chart' | 'action';

export function canaryIngressMode(defaults: unknown): CanaryIngressMode {
  const ingress = isMap(defaults) ? defaults.ingress : undefined;
  return isMap(ingress) && 'annotations' in ingress ? 'chart' : 'action';
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
