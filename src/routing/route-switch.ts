// Which of a chart's default values turn its own route object off: a boolean `enabled` under a key
// that names the route (`httpRoute.enabled`, `route.main.enabled`, `virtualService.enabled`). The
// canary release gets it set false, so it does not render a second route for stable's hosts (that
// route would send traffic to the canary outside the weight). Read from `helm show values`.
import type { RoutingPreset } from '../config/spec.js';

/** Paths of the `enabled` switches under a key that `names` matches, e.g. ['httpRoute.enabled']. */
export function routeSwitches(defaults: unknown, names: RegExp): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string[], underRoute: boolean): void => {
    if (!isMap(node)) return;
    if (underRoute && typeof node.enabled === 'boolean') {
      found.push([...path, 'enabled'].join('.'));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      // Keys with dots cannot be written as a --set path.
      if (key.includes('.')) continue;
      walk(value, [...path, key], underRoute || names.test(key));
    }
  };
  walk(defaults, [], false);
  return found;
}

/** HTTPRoute switches: `httpRoute`, `httpRoutes`, `route`, `routes`, `gatewayRoute`... */
export const HTTPROUTE_SWITCH_NAMES = /route/i;
/** VirtualService switches: `virtualService`, `virtualservices`, `istio.virtualService`... */
export const VIRTUALSERVICE_SWITCH_NAMES = /virtual-?service/i;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The switches for the route object `preset` edits; none for the other presets. */
export function routeSwitchesFor(preset: RoutingPreset, defaults: unknown): string[] {
  if (preset === 'gateway-api') return routeSwitches(defaults, HTTPROUTE_SWITCH_NAMES);
  if (preset === 'istio') return routeSwitches(defaults, VIRTUALSERVICE_SWITCH_NAMES);
  return [];
}
