// Whether a route in the canary's render competes with stable's route: both would be served by the
// same Gateway (or mesh) for the same hosts, so the canary would take traffic outside the weight.
import type { HTTPRoute } from './httproute.js';
import type { VirtualService } from './virtualservice.js';

/** `*.example.com` covers `shop.example.com`; two equal names overlap; a wildcard covers a narrower one. */
export function hostnamesOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  const covers = (wild: string, name: string) => wild.startsWith('*.') && name.endsWith(wild.slice(1));
  return covers(x, y) || covers(y, x);
}

const anyOverlap = (a: string[], b: string[]) => a.some((x) => b.some((y) => hostnamesOverlap(x, y)));

interface ParentRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  [field: string]: unknown;
}

function parentKeys(route: HTTPRoute, fallbackNamespace: string): string[] {
  const ns = route.metadata.namespace ?? fallbackNamespace;
  const refs = (route.spec?.parentRefs ?? []) as ParentRef[];
  return refs.map((ref) => `${ref.kind ?? 'Gateway'}/${ref.namespace ?? ns}/${ref.name ?? ''}`);
}

/**
 * The rendered HTTPRoute competes when its hostnames overlap stable's, or when it attaches to one of
 * stable's parents with no hostnames on either side (then it matches every host of that listener).
 */
export function httpRouteCompetes(stable: HTTPRoute, rendered: HTTPRoute, namespace: string): boolean {
  const stableHosts = (stable.spec?.hostnames ?? []) as string[];
  const renderedHosts = (rendered.spec?.hostnames ?? []) as string[];
  if (stableHosts.length > 0 && renderedHosts.length > 0 && anyOverlap(stableHosts, renderedHosts))
    return true;
  const stableParents = parentKeys(stable, namespace);
  const sharesParent = parentKeys(rendered, namespace).some((key) => stableParents.includes(key));
  return sharesParent && (stableHosts.length === 0 || renderedHosts.length === 0);
}

/** The rendered VirtualService competes when its hosts overlap stable's. */
export function virtualServiceCompetes(stable: VirtualService, rendered: VirtualService): boolean {
  return anyOverlap(stable.spec?.hosts ?? [], rendered.spec?.hosts ?? []);
}
