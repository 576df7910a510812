// What the routers that edit a route object (HTTPRoute, VirtualService) share: the JSON Patch shape,
// the annotation that records the action's edit on the object itself (so any later run can undo it
// exactly, without Helm), and the patch operations around it.

/** One JSON Patch operation (RFC 6902), as the API server takes it. */
export type JsonPatchOp =
  { op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/** The field manager of the action's own patches: how a later removal knows what to hand back to Helm. */
export const EDIT_FIELD_MANAGER = 'canary-action';

/** The annotation that says the action edited this route, and what stable's refs carried before. */
export const EDIT_ANNOTATION = 'canary-action.dev/route-edit';

/** What the annotation holds. `stableWeights[rule]` is null where stable's ref had no weight. */
export interface RouteEdit {
  canaryRelease: string;
  stableService: string;
  canaryService: string;
  stableWeights: Record<string, number | null>;
}

export interface ServicePair {
  stable: string;
  canary: string;
}

export interface EditTarget extends ServicePair {
  canaryRelease: string;
}

/** The metadata every route object has. */
export interface RouteMetadata {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface RouteObject {
  metadata: RouteMetadata;
  [field: string]: unknown;
}

/** The edit recorded on `object`, undefined when it has none; `kind` names it in the error. */
export function readEdit(object: RouteObject, kind: string): RouteEdit | undefined {
  const text = object.metadata.annotations?.[EDIT_ANNOTATION];
  if (!text) return undefined;
  try {
    const edit = JSON.parse(text) as RouteEdit;
    if (
      typeof edit.canaryRelease === 'string' &&
      typeof edit.stableService === 'string' &&
      typeof edit.canaryService === 'string'
    )
      return edit;
  } catch {
    // fall through: a mangled mark is reported below
  }
  throw new Error(
    `${kind} ${object.metadata.namespace}/${object.metadata.name}: annotation ${EDIT_ANNOTATION} is not what canary-action writes; remove it by hand`
  );
}

/** The edit already on the object must be for the same pair of Services, or it is another canary's. */
export function checkSameEdit(
  previous: RouteEdit | undefined,
  services: ServicePair,
  kind: string,
  object: RouteObject
): void {
  if (
    previous &&
    (previous.stableService !== services.stable || previous.canaryService !== services.canary)
  ) {
    throw new Error(
      `${kind} ${object.metadata.namespace ?? ''}/${object.metadata.name} is already edited for ${previous.canaryService} beside ${previous.stableService}; roll that canary back first`
    );
  }
}

/** JSON Pointer escaping of one path segment. */
function pointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Fails the whole patch if anyone changed the object since it was read. */
export function precondition(object: RouteObject): JsonPatchOp[] {
  const version = object.metadata.resourceVersion;
  if (!version) throw new Error(`${object.metadata.name} has no resourceVersion`);
  return [{ op: 'test', path: '/metadata/resourceVersion', value: version }];
}

/** Adds the edit annotation (the first edit only). */
export function addEditOps(object: RouteObject, edit: RouteEdit): JsonPatchOp[] {
  const value = JSON.stringify(edit);
  if (!object.metadata.annotations) {
    return [{ op: 'add', path: '/metadata/annotations', value: { [EDIT_ANNOTATION]: value } }];
  }
  return [{ op: 'add', path: `/metadata/annotations/${pointer(EDIT_ANNOTATION)}`, value }];
}

/** Drops the edit annotation (and the annotations map, when it held nothing else). */
export function removeEditOp(object: RouteObject): JsonPatchOp {
  const others = Object.keys(object.metadata.annotations ?? {}).filter((key) => key !== EDIT_ANNOTATION);
  return others.length === 0
    ? { op: 'remove', path: '/metadata/annotations' }
    : { op: 'remove', path: `/metadata/annotations/${pointer(EDIT_ANNOTATION)}` };
}

/**
 * One rule's backends as they were before the edit: the canary's backend dropped, and stable's weight
 * back to what the annotation recorded for rule `index` (no weight where it had none).
 */
export function restoredBackends<Backend extends { weight?: number }>(
  backends: Backend[],
  index: number,
  edit: RouteEdit,
  is: { canary(backend: Backend): boolean; stable(backend: Backend): boolean }
): Backend[] {
  return backends
    .filter((backend) => !is.canary(backend))
    .map((backend) => {
      if (!is.stable(backend) || !(String(index) in edit.stableWeights)) return backend;
      const { weight: _weight, ...rest } = backend;
      const original = edit.stableWeights[String(index)];
      return (original === null ? rest : { ...rest, weight: original }) as Backend;
    });
}
