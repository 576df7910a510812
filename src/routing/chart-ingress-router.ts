// ingress-nginx for a chart that renders the canary annotations itself (`ingress.annotations`, or the
// storefront chart's `canary.*`): the canary release is installed by Helm with the annotations at
// weight 0, and every weight change after that is one JSON patch of the `canary-weight` annotation on
// the canary release's own Ingress(es): no Helm revision, no hooks. Removal patches the weight to 0
// (traffic off before the pods go), then the outcome module uninstalls the release, which takes the
// Ingress with it; no Helm upgrade of the canary follows, so Helm 4's server-side apply never meets
// the field the patch now owns.
import type { RolloutSpec } from '../config/spec.js';
import { retry } from '../retry.js';
import { errorMessage } from '../error-message.js';
import { checkedWeight } from './canary-contract.js';
import { CANARY_ANNOTATION, WEIGHT_ANNOTATION, pointer, weightOf, type Ingress } from './canary-ingress.js';
import type { JsonPatchOp } from './route-edit.js';
import { KubeConflictError, type KubeObjects, type ReleaseServices, type RenderedObject } from './kube.js';
import { INGRESS_RESOURCE } from './owned-ingress-router.js';
import type { TrafficRouter } from './types.js';

type ChartIngressSpec = Pick<RolloutSpec, 'namespace' | 'canaryRelease'> & { dryRun?: boolean };

export interface ChartIngressDeps {
  kube: KubeObjects;
  services: ReleaseServices;
  sleep: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

const CONFLICT_RETRY = { attempts: 4, delayMs: 200 };

/** The canary Ingresses in a release's render: networking.k8s.io Ingresses marked `canary: "true"`. */
export function renderedCanaryIngresses(objects: RenderedObject[], namespace: string): string[] {
  return objects
    .filter(
      (o) =>
        o.kind === 'Ingress' &&
        typeof o.apiVersion === 'string' &&
        o.apiVersion.startsWith('networking.k8s.io/') &&
        (o.metadata?.namespace ?? namespace) === namespace &&
        (o.metadata?.annotations as Record<string, unknown> | undefined)?.[CANARY_ANNOTATION] === 'true'
    )
    .map((o) => String(o.metadata?.name ?? ''))
    .filter((name) => name !== '');
}

export function chartIngressRouter(spec: ChartIngressSpec, deps: ChartIngressDeps): TrafficRouter {
  const { kube } = deps;
  const ns = spec.namespace;
  const log = deps.log ?? (() => {});
  const fail = (message: string): Error => new Error(`routing ingress-nginx: ${message}`);
  const onConflict = <T>(work: () => Promise<T>): Promise<T> =>
    retry(work, { ...CONFLICT_RETRY, retryable: (e) => e instanceof KubeConflictError, sleep: deps.sleep });
  // The canary release is never upgraded after its install, so its render (the Ingress names) stays
  // as found: read once per install, which saves a `helm get manifest` before the weight goes to 0.
  let found: string[] | undefined;

  async function names(refresh = false): Promise<string[]> {
    if (!found || refresh || found.length === 0) {
      found = renderedCanaryIngresses(await deps.services.renderedObjects(spec.canaryRelease), ns);
    }
    return found;
  }

  /** Sets the annotation on one Ingress and reads it back from the API server's answer. */
  async function patchWeight(name: string, weight: number): Promise<'patched' | 'unchanged' | 'gone'> {
    return onConflict(async () => {
      const ingress = await kube.get<Ingress>(INGRESS_RESOURCE, ns, name);
      if (!ingress) return 'gone';
      if (ingress.metadata.annotations?.[CANARY_ANNOTATION] !== 'true') {
        throw fail(
          `Ingress ${ns}/${name} of ${spec.canaryRelease} is no longer marked ${CANARY_ANNOTATION}: "true"`
        );
      }
      if (weightOf(ingress) === weight) return 'unchanged';
      const ops: JsonPatchOp[] = [
        { op: 'test', path: '/metadata/resourceVersion', value: ingress.metadata.resourceVersion },
        // `add` sets the member whether or not the chart rendered it.
        { op: 'add', path: `/metadata/annotations/${pointer(WEIGHT_ANNOTATION)}`, value: String(weight) }
      ];
      const patched = await kube.jsonPatch<Ingress>(INGRESS_RESOURCE, ns, name, ops);
      if (weightOf(patched) !== weight) {
        throw fail(
          `Ingress ${ns}/${name} shows canary-weight ${patched.metadata?.annotations?.[WEIGHT_ANNOTATION] ?? '(none)'} after it was patched to ${weight}`
        );
      }
      return 'patched';
    });
  }

  async function setWeight(weight: number, refresh = false): Promise<void> {
    checkedWeight(weight);
    if (spec.dryRun) {
      log(
        `[dry-run] would patch ${WEIGHT_ANNOTATION}: "${weight}" on the canary Ingress of ${spec.canaryRelease}`
      );
      return;
    }
    const ingresses = await names(refresh);
    if (ingresses.length === 0) {
      throw fail(
        `release ${spec.canaryRelease} in ${ns} renders no Ingress with ${CANARY_ANNOTATION}: "true", so no weight can reach traffic`
      );
    }
    for (const name of ingresses) {
      if ((await patchWeight(name, weight)) === 'gone') {
        throw fail(`the canary Ingress ${ns}/${name} of ${spec.canaryRelease} does not exist`);
      }
    }
  }

  return {
    preset: 'ingress-nginx',
    // The marks are on the lease; the Ingress carries only the weight.
    carriesMarks: false,
    // Helm installed the canary at weight 0 (its pods Ready): give it its share now.
    prepare: (weight) => setWeight(weight, true),
    setWeight: (weight) => setWeight(weight),
    async remove() {
      if (spec.dryRun) {
        log(`[dry-run] would patch ${WEIGHT_ANNOTATION}: "0" on the canary Ingress of ${spec.canaryRelease}`);
        return;
      }
      // No release (or no Ingress left): nothing takes traffic. A failed patch does not block the
      // uninstall that follows, which deletes the Ingress and so takes the traffic off as well.
      for (const name of await names()) {
        try {
          await patchWeight(name, 0);
        } catch (error) {
          log(
            `warning: could not set Ingress ${ns}/${name} to weight 0, uninstalling anyway: ${errorMessage(error)}`
          );
        }
      }
    },
    // Stable's upgrade touches none of the canary release's objects.
    beforePromotion: async () => {},
    async describe(canary) {
      if (spec.dryRun)
        return { preset: 'ingress-nginx', target: `canary Ingress of ${spec.canaryRelease}`, weight: 0 };
      if (!canary.exists)
        return { preset: 'ingress-nginx', target: `canary Ingress of ${spec.canaryRelease} (none)` };
      // The weight lives on the Ingress: the release's values still say the install's weight.
      const ingresses = await names(true);
      const live = await Promise.all(ingresses.map((name) => kube.get<Ingress>(INGRESS_RESOURCE, ns, name)));
      const weights = new Set(live.map((ingress) => (ingress ? weightOf(ingress) : undefined)));
      const [weight] = weights;
      return {
        preset: 'ingress-nginx',
        target:
          ingresses.length === 0
            ? `canary Ingress of ${spec.canaryRelease} (none rendered)`
            : `Ingress ${ingresses.map((name) => `${ns}/${name}`).join(', ')}`,
        // Ingresses that disagree (or one gone) show no weight rather than a wrong one.
        weight: ingresses.length > 0 && weights.size === 1 ? weight : undefined
      };
    }
  };
}
