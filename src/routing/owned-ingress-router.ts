// ingress-nginx for a chart that exposes no `ingress.annotations`: the action creates the canary
// Ingress itself, a copy of stable's (canary-ingress.ts) pointed at the canary's Service, owns it (an
// annotation on it), moves the weight with one patch of its canary-weight annotation (no Helm revision,
// no hooks), and deletes it to take all traffic off the canary.
import type { RolloutSpec } from '../config/spec.js';
import { retry } from '../retry.js';
import { checkedWeight } from './canary-contract.js';
import {
  canaryIngressFor,
  canaryIngressName,
  ownerOf,
  pointer,
  stableIngresses,
  weightOf,
  WEIGHT_ANNOTATION,
  type Ingress
} from './canary-ingress.js';
import type { JsonPatchOp } from './httproute.js';
import { KubeConflictError, type KubeObjects, type ReleaseServices } from './kube.js';
import type { TrafficRouter } from './types.js';

export const INGRESS_RESOURCE = 'ingresses.networking.k8s.io';

type OwnedIngressSpec = Pick<RolloutSpec, 'namespace' | 'release' | 'canaryRelease'>;

export interface OwnedIngressDeps {
  kube: KubeObjects;
  services: ReleaseServices;
  sleep: (ms: number) => Promise<void>;
}

const CONFLICT_RETRY = { attempts: 4, delayMs: 200 };

export function ownedIngressRouter(spec: OwnedIngressSpec, deps: OwnedIngressDeps): TrafficRouter {
  const { kube } = deps;
  const ns = spec.namespace;
  const fail = (message: string): Error => new Error(`routing ingress-nginx: ${message}`);
  const onConflict = <T>(work: () => Promise<T>): Promise<T> =>
    retry(work, { ...CONFLICT_RETRY, retryable: (e) => e instanceof KubeConflictError, sleep: deps.sleep });

  /** The canary Ingresses this canary release owns, as the API server has them now. */
  async function owned(): Promise<Ingress[]> {
    const all = await kube.list<Ingress>(INGRESS_RESOURCE, ns);
    return all.filter((ingress) => ownerOf(ingress)?.canaryRelease === spec.canaryRelease);
  }

  /** Stable's Service -> the canary release's: same name with the canary's release name, or its only one. */
  async function canaryServices(stable: string[]): Promise<(service: string) => string | undefined> {
    const canary = await deps.services.services(spec.canaryRelease);
    return (service) => {
      if (!stable.includes(service)) return undefined;
      const renamed = service.startsWith(spec.release)
        ? spec.canaryRelease + service.slice(spec.release.length)
        : '';
      if (canary.includes(renamed)) return renamed;
      if (canary.length === 1) return canary[0];
      throw fail(
        canary.length === 0
          ? `release ${spec.canaryRelease} in ${ns} renders no Service to send the canary's share to`
          : `cannot tell which Service of ${spec.canaryRelease} (${canary.join(', ')}) is the canary of ${service}`
      );
    };
  }

  async function create(weight: number): Promise<void> {
    const stableServices = await deps.services.services(spec.release);
    const stable = stableIngresses(await kube.list<Ingress>(INGRESS_RESOURCE, ns), stableServices);
    if (stable.length === 0) {
      throw fail(
        `no Ingress in ${ns} sends traffic to Service ${stableServices.join(', ') || '(none)'} of ${spec.release}; the chart has no ingress.annotations, so the action copies stable's Ingress, and there is none to copy`
      );
    }
    const canaryOf = await canaryServices(stableServices);
    const existing = new Set((await owned()).map((ingress) => ingress.metadata.name));
    for (const ingress of stable) {
      if (existing.has(canaryIngressName(ingress.metadata.name))) continue; // a resumed run made it
      const owner = { canaryRelease: spec.canaryRelease, stableIngress: ingress.metadata.name };
      await kube.create(INGRESS_RESOURCE, ns, canaryIngressFor(ingress, canaryOf, owner, weight));
    }
    await setWeight(weight);
  }

  async function setWeight(weight: number): Promise<void> {
    checkedWeight(weight);
    const found = await owned();
    if (found.length === 0) throw fail(`the canary Ingress of ${spec.canaryRelease} in ${ns} does not exist`);
    for (const { metadata } of found) {
      await onConflict(async () => {
        const ingress = await kube.get<Ingress>(INGRESS_RESOURCE, ns, metadata.name);
        if (!ingress) throw fail(`the canary Ingress ${ns}/${metadata.name} was deleted`);
        if (weightOf(ingress) === weight) return;
        const ops: JsonPatchOp[] = [
          { op: 'test', path: '/metadata/resourceVersion', value: ingress.metadata.resourceVersion },
          {
            op: 'replace',
            path: `/metadata/annotations/${pointer(WEIGHT_ANNOTATION)}`,
            value: String(weight)
          }
        ];
        await kube.jsonPatch(INGRESS_RESOURCE, ns, metadata.name, ops);
      });
    }
  }

  return {
    preset: 'ingress-nginx',
    // The marks are on the lease; the Ingress carries only the weight.
    carriesMarks: false,
    prepare: create,
    setWeight: (weight) => setWeight(weight),
    // The canary Ingress is the action's, not Helm's: stable's upgrade cannot conflict with it.
    beforePromotion: async () => {},
    async remove() {
      // Deleting the canary Ingress sends all of the host's traffic back to stable's Ingress.
      for (const ingress of await owned()) await kube.delete(INGRESS_RESOURCE, ns, ingress.metadata.name);
    },
    async describe() {
      const [ingress] = await owned();
      if (!ingress) return { preset: 'ingress-nginx', target: `canary Ingress in ${ns} (none)`, weight: 0 };
      return {
        preset: 'ingress-nginx',
        target: `Ingress ${ns}/${ingress.metadata.name}`,
        weight: weightOf(ingress)
      };
    }
  };
}
