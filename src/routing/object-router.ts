// The router for presets that edit a route object of the user's (gateway-api: an HTTPRoute, istio: a
// VirtualService) through the Kubernetes API, so any chart that renders one (or a route made by hand)
// works without chart changes. The object is the one named in `route`, or the one of its kind in the
// namespace that sends traffic to stable's Service. The canary release carries no routing values: a
// weight change is one patch of the object (no Helm revision, no hooks), and removal puts it back as
// it was rendered, then hands its fields back to Helm (see handBack below).
import type { RolloutSpec, RoutingPreset } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { retry } from '../retry.js';
import { checkedWeight } from './canary-contract.js';
import { KubeConflictError, type KubeObjects, type ReleaseServices, type RenderedObject } from './kube.js';
import {
  EDIT_FIELD_MANAGER,
  type EditTarget,
  type JsonPatchOp,
  type RouteEdit,
  type RouteObject,
  type ServicePair
} from './route-edit.js';
import { apiGroup, objectLabel, type ManifestObject } from '../preflight/manifest.js';
import type { RoutingPreflight, RoutingProbe, TrafficRouter } from './types.js';

/** Helm 4 applies as `helm` (server-side apply); a route handed back is applied as `helm` too. */
export const HELM_FIELD_MANAGER = 'helm';

/** What one kind of route object needs: where it lives and its pure edits. */
export interface RouteKind<T extends RouteObject> {
  preset: RoutingPreset;
  kind: string;
  /** API group, to find the object in a release's manifest. */
  group: string;
  /** kubectl's resource name, e.g. `httproutes.gateway.networking.k8s.io`. */
  resource: string;
  /** What names a Service in it, for errors: "backendRef", "destination". */
  refName: string;
  refersTo(object: T, service: string): boolean;
  readEdit(object: T): RouteEdit | undefined;
  weightPatch(object: T, target: EditTarget, weight: number): JsonPatchOp[];
  restorePatch(object: T): JsonPatchOp[] | undefined;
  canaryWeight(object: T, services: ServicePair): number;
  /** Whether `rendered` (a route in the canary's render) takes traffic for the same hosts as `stable`. */
  competes(stable: T, rendered: T, namespace: string): boolean;
}

/** `route`: the object to edit; undefined = the one that sends traffic to stable's Service. */
export type RouteSpec = Pick<RolloutSpec, 'namespace' | 'release' | 'canaryRelease'> & {
  route?: string;
  dryRun?: boolean;
  /** The chart's switches that turn the canary release's own route off (route-switch.ts). */
  canaryRouteSwitches?: string[];
};

export interface RouteObjectDeps {
  kube: KubeObjects;
  services: ReleaseServices;
  sleep: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/** A route edit lost a race with another writer this often before the step fails. */
const CONFLICT_RETRY = { attempts: 4, delayMs: 200 };

/**
 * The canary release carries no weight: the route object does. It carries the chart's route switches
 * set false, so that it renders no route of its own beside stable's.
 */
export function routeObjectChartValues(
  spec: Pick<RouteSpec, 'canaryRouteSwitches'>,
  weight: number
): HelmValue[] {
  checkedWeight(weight);
  return (spec.canaryRouteSwitches ?? []).map((key) => ({ key, value: 'false' }));
}

/** The route cannot be used as configured: a named error (the preflight reports it, prepare throws it). */
export class RouteNotUsableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteNotUsableError';
  }
}

interface ManagedFieldsEntry {
  manager?: string;
}

export function routeObjectRouter<T extends RouteObject>(
  kind: RouteKind<T>,
  spec: RouteSpec,
  deps: RouteObjectDeps
): TrafficRouter {
  const { kube } = deps;
  const ns = spec.namespace;
  const fail = (message: string): Error => new RouteNotUsableError(`routing ${kind.preset}: ${message}`);
  const log = deps.log ?? (() => {});

  /** The object to edit and the stable/canary Services it pairs, found afresh on every call. */
  async function target(): Promise<{ object: T; services: ServicePair }> {
    const { object, stable } = await stableTarget();
    const canary = canaryServiceFor(stable, await deps.services.services(spec.canaryRelease));
    return { object, services: { stable, canary } };
  }

  /** The object to edit and stable's Service it sends traffic to. */
  async function stableTarget(): Promise<{ object: T; stable: string }> {
    const stableServices = await deps.services.services(spec.release);
    if (stableServices.length === 0) {
      throw fail(`release ${spec.release} in ${ns} renders no Service for a ${kind.kind} to point at`);
    }
    const object = await findObject(stableServices);
    return { object, stable: stableServices.find((name) => kind.refersTo(object, name))! };
  }

  async function findObject(stableServices: string[]): Promise<T> {
    const refersToStable = (object: T) => stableServices.some((s) => kind.refersTo(object, s));
    const names = stableServices.join(', ');
    if (spec.route) {
      const object = await kube.get<T>(kind.resource, ns, spec.route);
      if (!object) throw fail(`${kind.kind} ${ns}/${spec.route} (input \`route\`) does not exist`);
      if (!refersToStable(object)) {
        throw fail(
          `${kind.kind} ${ns}/${spec.route} (input \`route\`) has no ${kind.refName} to Service ${names} of ${spec.release}`
        );
      }
      return object;
    }
    const found = (await kube.list<T>(kind.resource, ns)).filter(refersToStable);
    if (found.length === 1) return found[0];
    if (found.length === 0)
      throw fail(`no ${kind.kind} in ${ns} references Service ${names}; name one with \`route\``);
    const list = found.map((r) => r.metadata.name).join(', ');
    throw fail(`${kind.kind}s ${list} in ${ns} all reference Service ${names}; name one with \`route\``);
  }

  /** The canary release's Service for stable's: same name with the canary's release name, or the only one. */
  function canaryServiceFor(stable: string, services: string[]): string {
    const renamed = stable.startsWith(spec.release)
      ? spec.canaryRelease + stable.slice(spec.release.length)
      : '';
    if (services.includes(renamed)) return renamed;
    if (services.length === 1) return services[0];
    throw fail(
      services.length === 0
        ? `release ${spec.canaryRelease} in ${ns} renders no Service to send the canary's share to`
        : `cannot tell which Service of ${spec.canaryRelease} (${services.join(', ')}) is the canary of ${stable}`
    );
  }

  /** Objects in the namespace (or the named one) that carry an edit for this canary release. */
  async function editedObjects(): Promise<T[]> {
    const objects = spec.route
      ? [await kube.get<T>(kind.resource, ns, spec.route)].filter((r): r is T => !!r)
      : await kube.list<T>(kind.resource, ns);
    return objects.filter((object) => kind.readEdit(object)?.canaryRelease === spec.canaryRelease);
  }

  /** Re-reads and re-patches when another writer changed the object between our read and write. */
  const onConflict = <R>(work: () => Promise<R>): Promise<R> =>
    retry(work, { ...CONFLICT_RETRY, retryable: (e) => e instanceof KubeConflictError, sleep: deps.sleep });

  async function setWeight(weight: number): Promise<void> {
    checkedWeight(weight);
    if (spec.dryRun) {
      log(`[dry-run] would give ${spec.canaryRelease} ${weight}% in ${describeTarget()}`);
      return;
    }
    await onConflict(async () => {
      const { object, services } = await target();
      const ops = kind.weightPatch(object, { ...services, canaryRelease: spec.canaryRelease }, weight);
      await kube.jsonPatch(kind.resource, ns, object.metadata.name, ops);
    });
  }

  /**
   * Helm 4 upgrades with server-side apply, and a JSON Patch made the action the owner of the edited
   * fields (an atomic list: `.spec.rules`, `.spec.http`), so stable's next upgrade would fail with a
   * conflict even once the content is restored. Applying the object as stable's manifest renders it,
   * as field manager `helm` with --force-conflicts, gives those fields back to Helm. Helm's own
   * metadata goes with it, or the apply would drop it. Helm 3 (three-way merge) is not affected
   * either way. Only objects of stable's release that the action's manager still owns part of.
   */
  async function handBack(): Promise<void> {
    const rendered = (await deps.services.renderedObjects(spec.release)).filter(
      (o) =>
        o.kind === kind.kind &&
        typeof o.apiVersion === 'string' &&
        o.apiVersion.startsWith(`${kind.group}/`) &&
        (o.metadata?.namespace ?? ns) === ns
    );
    for (const object of rendered) {
      const name = String(object.metadata?.name ?? '');
      const live = await kube.get<T>(kind.resource, ns, name);
      const managers = (live?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
      if (!live || !managers.some((m) => m.manager === EDIT_FIELD_MANAGER)) continue;
      const other = kind.readEdit(live);
      if (other) {
        // Another canary's split is on it: applying the manifest would undo that canary's routing.
        log(
          `${kind.kind} ${ns}/${name} still carries the edit of ${other.canaryRelease}; not handed back to Helm`
        );
        continue;
      }
      const applied = await kube.apply<T>(
        kind.resource,
        ns,
        asHelmApplies(object, spec.release, ns),
        HELM_FIELD_MANAGER
      );
      if (kind.readEdit(applied)) {
        throw fail(
          `${kind.kind} ${ns}/${name} still carries the canary's edit after it was handed back to Helm`
        );
      }
      log(`${kind.kind} ${ns}/${name} handed back to Helm as rendered by ${spec.release}`);
    }
  }

  /** Every edit of this canary undone (one patch per object), then the fields handed back to Helm. */
  async function remove(): Promise<void> {
    if (spec.dryRun) {
      log(`[dry-run] would restore ${describeTarget()} as rendered and hand it back to Helm`);
      return;
    }
    for (const found of await editedObjects()) {
      // The object just listed is fresh enough for the first try (one call less before weight 0);
      // after a conflict it is read again.
      let object: T | undefined = found;
      await onConflict(async () => {
        object ??= await kube.get<T>(kind.resource, ns, found.metadata.name);
        const ops = object ? kind.restorePatch(object) : undefined;
        const name = found.metadata.name;
        object = undefined;
        if (ops) await kube.jsonPatch(kind.resource, ns, name, ops);
      });
    }
    await handBack();
  }

  /**
   * Before anything changes (reads only): the route exists and sends traffic to stable, the canary's
   * render has the Service its share would go to, and no route of its own for stable's hosts.
   */
  async function preflight(probe: RoutingProbe): Promise<RoutingPreflight> {
    if (!probe.stableExists) {
      return {
        ok: true,
        detail: `no stable ${spec.release} yet: a first release is installed as stable, with no ${kind.kind} to split`
      };
    }
    try {
      const { object, stable } = await stableTarget();
      const rendered = inNamespace(await probe.renderCanary(probe.weight));
      const renderedServices = rendered.filter((o) => o.kind === 'Service' && apiGroup(o.apiVersion) === '');
      // The canary release is not installed yet: its Services are the ones its render has.
      const canary = canaryServiceFor(
        stable,
        renderedServices.map((o) => o.name)
      );
      const label = `${kind.kind} ${ns}/${object.metadata.name}`;
      const competing = rendered.filter(
        (o) =>
          o.kind === kind.kind &&
          apiGroup(o.apiVersion) === kind.group &&
          kind.competes(
            object,
            { ...o.body, metadata: { ...(o.body.metadata as object), namespace: ns } } as T,
            ns
          )
      );
      if (competing.length > 0) return competingRoute(label, competing);
      const switches = spec.canaryRouteSwitches ?? [];
      return {
        ok: true,
        detail:
          `${label} sends traffic to Service ${stable}; the canary's share goes to Service ${canary} of ${spec.canaryRelease}` +
          (switches.length > 0
            ? `; the canary release's own ${kind.kind} is off (${switches.map((k) => `${k}=false`).join(', ')})`
            : '')
      };
    } catch (error) {
      if (error instanceof RouteNotUsableError) return { ok: false, detail: error.message };
      throw error;
    }
  }

  /** Objects of the render in the release's namespace (Helm installs those without one there). */
  function inNamespace(objects: ManifestObject[]): ManifestObject[] {
    return objects.filter((o) => (o.namespace ?? ns) === ns);
  }

  function competingRoute(stableLabel: string, competing: ManifestObject[]): RoutingPreflight {
    const names = competing.map((o) => objectLabel({ ...o, namespace: ns })).join(', ');
    const switches = spec.canaryRouteSwitches ?? [];
    const fix =
      switches.length > 0
        ? `the chart's ${switches.map((k) => `\`${k}\``).join(', ')}, set false on the canary release, does not turn it off: the chart needs a value that does`
        : `the chart's default values have no \`enabled\` switch for it (e.g. \`${kind.preset === 'istio' ? 'virtualService' : 'httpRoute'}.enabled\`): give the chart one, or do not render the route in the canary release`;
    return {
      ok: false,
      code: 'routing-competing-route',
      detail:
        `routing ${kind.preset}: the canary release ${spec.canaryRelease} renders ${names} for the hosts of ${stableLabel}, ` +
        `so it would take traffic outside the weight; ${fix} (docs/charts.md).`
    };
  }

  function describeTarget(): string {
    return spec.route
      ? `${kind.kind} ${ns}/${spec.route}`
      : `the ${kind.kind} in ${ns} that references ${spec.release}'s Service`;
  }

  return {
    preset: kind.preset,
    // The marks stay on the canary release; the route object carries only the weight.
    carriesMarks: false,
    prepare: setWeight,
    setWeight: (weight) => setWeight(weight),
    remove,
    // Stable's upgrade must find the object as Helm rendered it and owned by Helm.
    beforePromotion: remove,
    preflight,
    async describe() {
      if (spec.dryRun) return { preset: kind.preset, target: describeTarget(), weight: 0 };
      const [object] = await editedObjects();
      if (!object) return { preset: kind.preset, target: `${kind.kind} in ${ns} (not edited)`, weight: 0 };
      const edit = kind.readEdit(object)!;
      return {
        preset: kind.preset,
        target: `${kind.kind} ${ns}/${object.metadata.name}`,
        weight: kind.canaryWeight(object, { stable: edit.stableService, canary: edit.canaryService })
      };
    }
  };
}

/** The object as Helm 4 applies it: in the release's namespace, with the metadata Helm adds. */
export function asHelmApplies(object: RenderedObject, release: string, namespace: string): RenderedObject {
  const metadata = (object.metadata ?? {}) as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  return {
    ...object,
    metadata: {
      ...metadata,
      namespace,
      labels: { ...metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        ...metadata.annotations,
        'meta.helm.sh/release-name': release,
        'meta.helm.sh/release-namespace': namespace
      }
    }
  };
}
