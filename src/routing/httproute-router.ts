// The HTTPRoute router (issue 12, for `routing: gateway-api`; not selectable yet, see gateway-api.ts):
// the action edits the user's HTTPRoute through the Kubernetes API, so any chart that renders a route
// (or a route made by hand) works without chart changes. The route is the one named
// in `route`, or the one HTTPRoute in the namespace with a backendRef to stable's Service. The canary
// release carries no routing values: a weight change is one patch of the route (no Helm revision, no
// hooks), and removal puts the route back as it was rendered.
import type { RolloutSpec } from '../config/spec.js';
import type { HelmValue } from '../deploy/types.js';
import { retry } from '../retry.js';
import { checkedWeight } from './canary-contract.js';
import {
  canaryWeight,
  readEdit,
  restorePatch,
  rulesReferring,
  weightPatch,
  type HTTPRoute,
  type ServicePair
} from './httproute.js';
import { KubeConflictError, type KubeObjects, type ReleaseServices } from './kube.js';
import type { TrafficRouter } from './types.js';

export const HTTPROUTE_RESOURCE = 'httproutes.gateway.networking.k8s.io';

/** `route`: the HTTPRoute to edit; undefined = the one that references stable's Service. */
type GatewaySpec = Pick<RolloutSpec, 'namespace' | 'release' | 'canaryRelease'> & { route?: string };

export interface GatewayApiDeps {
  kube: KubeObjects;
  services: ReleaseServices;
  sleep: (ms: number) => Promise<void>;
}

/** A route edit lost a race with another writer this often before the step fails. */
const CONFLICT_RETRY = { attempts: 4, delayMs: 200 };

/** The canary release carries no routing values: the route carries the weight. */
export function httpRouteChartValues(_spec: unknown, weight: number): HelmValue[] {
  checkedWeight(weight);
  return [];
}

export function httpRouteRouter(spec: GatewaySpec, deps: GatewayApiDeps): TrafficRouter {
  const { kube } = deps;
  const ns = spec.namespace;
  const fail = (message: string): Error => new Error(`routing gateway-api: ${message}`);

  /** The route to edit and the stable/canary Services it pairs, found afresh on every call. */
  async function target(): Promise<{ route: HTTPRoute; services: ServicePair }> {
    const stableServices = await deps.services.services(spec.release);
    if (stableServices.length === 0) {
      throw fail(`release ${spec.release} in ${ns} renders no Service for an HTTPRoute to point at`);
    }
    const route = await findRoute(stableServices);
    const stable = stableServices.find((name) => rulesReferring(route, name).length > 0)!;
    return { route, services: { stable, canary: await canaryServiceFor(stable) } };
  }

  async function findRoute(stableServices: string[]): Promise<HTTPRoute> {
    const refersToStable = (route: HTTPRoute) =>
      stableServices.some((s) => rulesReferring(route, s).length > 0);
    const names = stableServices.join(', ');
    if (spec.route) {
      const route = await kube.get<HTTPRoute>(HTTPROUTE_RESOURCE, ns, spec.route);
      if (!route) throw fail(`HTTPRoute ${ns}/${spec.route} (input \`route\`) does not exist`);
      if (!refersToStable(route)) {
        throw fail(
          `HTTPRoute ${ns}/${spec.route} (input \`route\`) has no backendRef to Service ${names} of ${spec.release}`
        );
      }
      return route;
    }
    const found = (await kube.list<HTTPRoute>(HTTPROUTE_RESOURCE, ns)).filter(refersToStable);
    if (found.length === 1) return found[0];
    if (found.length === 0)
      throw fail(`no HTTPRoute in ${ns} references Service ${names}; name one with \`route\``);
    const list = found.map((r) => r.metadata.name).join(', ');
    throw fail(`HTTPRoutes ${list} in ${ns} all reference Service ${names}; name one with \`route\``);
  }

  /** The canary release's Service for stable's: same name with the canary's release name, or the only one. */
  async function canaryServiceFor(stable: string): Promise<string> {
    const services = await deps.services.services(spec.canaryRelease);
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

  /** Routes in the namespace (or the named one) that carry an edit for this canary release. */
  async function editedRoutes(): Promise<HTTPRoute[]> {
    const routes = spec.route
      ? [await kube.get<HTTPRoute>(HTTPROUTE_RESOURCE, ns, spec.route)].filter((r): r is HTTPRoute => !!r)
      : await kube.list<HTTPRoute>(HTTPROUTE_RESOURCE, ns);
    return routes.filter((route) => readEdit(route)?.canaryRelease === spec.canaryRelease);
  }

  /** Re-reads and re-patches when another writer changed the route between our read and write. */
  const onConflict = <T>(work: () => Promise<T>): Promise<T> =>
    retry(work, { ...CONFLICT_RETRY, retryable: (e) => e instanceof KubeConflictError, sleep: deps.sleep });

  async function setWeight(weight: number): Promise<void> {
    checkedWeight(weight);
    await onConflict(async () => {
      const { route, services } = await target();
      const ops = weightPatch(route, { ...services, canaryRelease: spec.canaryRelease }, weight);
      await kube.jsonPatch(HTTPROUTE_RESOURCE, ns, route.metadata.name, ops);
    });
  }

  return {
    preset: 'gateway-api',
    // The marks stay on the canary release; the route carries only the weight.
    carriesMarks: false,
    prepare: setWeight,
    setWeight: (weight) => setWeight(weight),
    async remove() {
      for (const found of await editedRoutes()) {
        await onConflict(async () => {
          const route = (await kube.get<HTTPRoute>(HTTPROUTE_RESOURCE, ns, found.metadata.name)) ?? found;
          const ops = restorePatch(route);
          if (ops) await kube.jsonPatch(HTTPROUTE_RESOURCE, ns, route.metadata.name, ops);
        });
      }
    },
    async describe() {
      const [route] = await editedRoutes();
      if (!route) return { preset: 'gateway-api', target: `HTTPRoute in ${ns} (not edited)`, weight: 0 };
      const edit = readEdit(route)!;
      return {
        preset: 'gateway-api',
        target: `HTTPRoute ${ns}/${route.metadata.name}`,
        weight: canaryWeight(route, { stable: edit.stableService, canary: edit.canaryService })
      };
    }
  };
}
