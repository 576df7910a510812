// Pure edits of an Istio VirtualService, the counterpart of httproute.ts: in every HTTP route whose
// destinations include stable's Service (by host: `svc`, `svc.ns`, `svc.ns.svc[.cluster.domain]`),
// a destination for the canary's Service (same host form, same port, no subset) follows stable's,
// and stable's share s is split into s-c and c with c = round(s*w/100), so the route's weights still
// add up as before. The first edit records stable's weights in the annotation; removal restores them.
import {
  addEditOps,
  checkSameEdit,
  precondition,
  readEdit as readRouteEdit,
  removeEditOp,
  restoredBackends,
  type EditTarget,
  type JsonPatchOp,
  type RouteEdit,
  type RouteMetadata,
  type ServicePair
} from './route-edit.js';

export interface RouteDestination {
  destination: { host: string; subset?: string; port?: { number?: number }; [field: string]: unknown };
  weight?: number;
  [field: string]: unknown;
}

export interface VirtualService {
  metadata: RouteMetadata;
  spec?: {
    hosts?: string[];
    http?: Array<{ route?: RouteDestination[]; [field: string]: unknown }>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

const KIND = 'VirtualService';

/** The Service a host names, in the VirtualService's namespace: short, namespaced or fully qualified. */
export function hostRefersTo(host: string, service: string, namespace: string): boolean {
  return (
    host === service ||
    host === `${service}.${namespace}` ||
    host === `${service}.${namespace}.svc` ||
    host.startsWith(`${service}.${namespace}.svc.`)
  );
}

/** The canary's host in the same form as stable's (`storefront.shop.svc.cluster.local` keeps its suffix). */
export function canaryHost(stableHost: string, services: ServicePair): string {
  return services.canary + stableHost.slice(services.stable.length);
}

function namespaceOf(vs: VirtualService): string {
  return vs.metadata.namespace ?? '';
}

const isDestinationOf = (vs: VirtualService, service: string) => (d: RouteDestination) =>
  typeof d.destination?.host === 'string' && hostRefersTo(d.destination.host, service, namespaceOf(vs));

/** Indexes of the HTTP routes that send traffic to `service`. */
export function routesReferring(vs: VirtualService, service: string): number[] {
  return (vs.spec?.http ?? []).flatMap((http, index) =>
    (http.route ?? []).some(isDestinationOf(vs, service)) ? [index] : []
  );
}

export function readEdit(vs: VirtualService): RouteEdit | undefined {
  return readRouteEdit(vs, KIND);
}

/** Stable's share before the edit: its weight, or 100 when it was the only destination. */
function stableShare(original: number | null, others: RouteDestination[], where: string): number {
  if (original !== null) return original;
  if (others.length === 0) return 100;
  throw new Error(`${where}: stable's destination has no weight beside other destinations; give it one`);
}

/** The one patch that gives the canary `weight` percent of stable's share in every route that names stable. */
export function weightPatch(vs: VirtualService, target: EditTarget, weight: number): JsonPatchOp[] {
  const ns = namespaceOf(vs);
  const previous = readEdit(vs);
  const services = { stable: target.stable, canary: target.canary };
  checkSameEdit(previous, services, KIND, vs);
  const indexes = routesReferring(vs, services.stable);
  if (indexes.length === 0) {
    throw new Error(`${KIND} ${ns}/${vs.metadata.name} has no HTTP route to Service ${services.stable}`);
  }
  const edit: RouteEdit = previous ?? {
    canaryRelease: target.canaryRelease,
    stableService: services.stable,
    canaryService: services.canary,
    stableWeights: {}
  };
  const ops: JsonPatchOp[] = precondition(vs);
  for (const index of indexes) {
    const route = vs.spec!.http![index].route!;
    const stable = route.find(isDestinationOf(vs, services.stable))!;
    if (!previous)
      edit.stableWeights[String(index)] = typeof stable.weight === 'number' ? stable.weight : null;
    const others = route.filter((d) => d !== stable && !isDestinationOf(vs, services.canary)(d));
    const original = edit.stableWeights[String(index)] ?? null;
    const share = stableShare(original, others, `${KIND} ${ns}/${vs.metadata.name} http[${index}]`);
    const canaryShare = Math.round((share * weight) / 100);
    const { subset: _subset, ...destination } = stable.destination;
    const canary: RouteDestination = {
      ...stable,
      destination: { ...destination, host: canaryHost(stable.destination.host, services) },
      weight: canaryShare
    };
    const at = route.indexOf(stable);
    const before = others.filter((d) => route.indexOf(d) < at);
    const after = others.filter((d) => route.indexOf(d) > at);
    ops.push({
      op: 'replace',
      path: `/spec/http/${index}/route`,
      value: [...before, { ...stable, weight: share - canaryShare }, canary, ...after]
    });
  }
  if (!previous) ops.push(...addEditOps(vs, edit));
  return ops;
}

/** Takes the canary's destinations out, gives stable its weight back (or none) and drops the annotation. */
export function restorePatch(vs: VirtualService): JsonPatchOp[] | undefined {
  const edit = readEdit(vs);
  if (!edit) return undefined;
  const isCanary = isDestinationOf(vs, edit.canaryService);
  const isStable = isDestinationOf(vs, edit.stableService);
  const ops: JsonPatchOp[] = precondition(vs);
  (vs.spec?.http ?? []).forEach((http, index) => {
    const route = http.route ?? [];
    if (!route.some((d) => isCanary(d) || isStable(d))) return;
    const kept = restoredBackends(route, index, edit, { canary: isCanary, stable: isStable });
    ops.push({ op: 'replace', path: `/spec/http/${index}/route`, value: kept });
  });
  ops.push(removeEditOp(vs));
  return ops;
}

/** The canary's percentage of what stable and canary share, as the VirtualService carries it. */
export function canaryWeight(vs: VirtualService, services: ServicePair): number {
  for (const index of routesReferring(vs, services.stable)) {
    const route = vs.spec!.http![index].route!;
    const canary = route.find(isDestinationOf(vs, services.canary));
    if (!canary) continue;
    const stable = route.find(isDestinationOf(vs, services.stable))!;
    const c = canary.weight ?? 0;
    const s = stable.weight ?? 0;
    return c + s === 0 ? 0 : Math.round((100 * c) / (c + s));
  }
  return 0;
}
