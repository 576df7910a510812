// Pure edits of a Gateway API HTTPRoute: find the route that sends traffic to stable's Service, give
// the canary's Service a backendRef beside stable's (weights 100-w and w) in every rule that names
// stable, and take it out again. What the route had before the first edit (stable's weight, or none)
// is kept in an annotation on the route itself, so any later run can restore it exactly.
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
  type ServicePair
} from './route-edit.js';

export { EDIT_ANNOTATION, type EditTarget, type JsonPatchOp, type ServicePair } from './route-edit.js';

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [field: string]: unknown;
}

export interface HTTPRoute {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: {
    rules?: Array<{ backendRefs?: BackendRef[]; [field: string]: unknown }>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A backendRef to the core Service `name` in the route's namespace (group "" and kind Service are defaults). */
export function refersTo(ref: BackendRef, service: string, routeNamespace: string): boolean {
  return (
    (ref.group ?? '') === '' &&
    (ref.kind ?? 'Service') === 'Service' &&
    ref.name === service &&
    (ref.namespace ?? routeNamespace) === routeNamespace
  );
}

/** Indexes of the rules that send traffic to `service`. */
export function rulesReferring(route: HTTPRoute, service: string): number[] {
  const ns = route.metadata.namespace ?? '';
  return (route.spec?.rules ?? []).flatMap((rule, index) =>
    (rule.backendRefs ?? []).some((ref) => refersTo(ref, service, ns)) ? [index] : []
  );
}

export function readEdit(route: HTTPRoute): RouteEdit | undefined {
  return readRouteEdit(route, 'HTTPRoute');
}

/**
 * The one patch that sets the canary's weight to `weight`: in each rule that names stable, stable's
 * ref at 100-weight and the canary's (a copy of stable's with the canary's name) right after it at
 * weight. The first edit also records stable's weights in the annotation.
 */
export function weightPatch(route: HTTPRoute, target: EditTarget, weight: number): JsonPatchOp[] {
  const ns = route.metadata.namespace ?? '';
  const previous = readEdit(route);
  const services = { stable: target.stable, canary: target.canary };
  checkSameEdit(previous, services, 'HTTPRoute', route);
  const rules = rulesReferring(route, services.stable);
  if (rules.length === 0) {
    throw new Error(
      `HTTPRoute ${ns}/${route.metadata.name} has no rule with a backendRef to Service ${services.stable}`
    );
  }
  const edit: RouteEdit = previous ?? {
    canaryRelease: target.canaryRelease,
    stableService: services.stable,
    canaryService: services.canary,
    stableWeights: {}
  };
  const ops: JsonPatchOp[] = precondition(route);
  for (const index of rules) {
    const refs = route.spec!.rules![index].backendRefs!;
    const stableRef = refs.find((ref) => refersTo(ref, services.stable, ns))!;
    if (!previous)
      edit.stableWeights[String(index)] = typeof stableRef.weight === 'number' ? stableRef.weight : null;
    const others = refs.filter((ref) => ref !== stableRef && !refersTo(ref, services.canary, ns));
    const at = refs.indexOf(stableRef);
    const before = others.filter((ref) => refs.indexOf(ref) < at);
    const after = others.filter((ref) => refs.indexOf(ref) > at);
    const canaryRef: BackendRef = { ...stableRef, name: services.canary, weight };
    ops.push({
      op: 'replace',
      path: `/spec/rules/${index}/backendRefs`,
      value: [...before, { ...stableRef, weight: 100 - weight }, canaryRef, ...after]
    });
  }
  if (!previous) ops.push(...addEditOps(route, edit));
  return ops;
}

/**
 * The patch that takes the canary's refs out and gives stable back the weight it had (or none), and
 * drops the annotation; undefined when the route carries no edit of ours.
 */
export function restorePatch(route: HTTPRoute): JsonPatchOp[] | undefined {
  const edit = readEdit(route);
  if (!edit) return undefined;
  const ns = route.metadata.namespace ?? '';
  const ops: JsonPatchOp[] = precondition(route);
  (route.spec?.rules ?? []).forEach((rule, index) => {
    const refs = rule.backendRefs ?? [];
    if (!refs.some((ref) => refersTo(ref, edit.canaryService, ns) || refersTo(ref, edit.stableService, ns)))
      return;
    const kept = restoredBackends(refs, index, edit, {
      canary: (ref) => refersTo(ref, edit.canaryService, ns),
      stable: (ref) => refersTo(ref, edit.stableService, ns)
    });
    ops.push({ op: 'replace', path: `/spec/rules/${index}/backendRefs`, value: kept });
  });
  ops.push(removeEditOp(route));
  return ops;
}

/** The canary's share in percent as the route carries it: 0 when the route has no ref to it. */
export function canaryWeight(route: HTTPRoute, services: ServicePair): number {
  const ns = route.metadata.namespace ?? '';
  for (const index of rulesReferring(route, services.stable)) {
    const refs = route.spec!.rules![index].backendRefs!;
    const canary = refs.find((ref) => refersTo(ref, services.canary, ns));
    if (!canary) continue;
    const stable = refs.find((ref) => refersTo(ref, services.stable, ns))!;
    const c = canary.weight ?? 1;
    const s = stable.weight ?? 1;
    return c + s === 0 ? 0 : Math.round((100 * c) / (c + s));
  }
  return 0;
}
