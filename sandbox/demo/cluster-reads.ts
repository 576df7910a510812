// Every cluster read of the outcome scenarios goes through here: Helm's release Secrets, read through
// the Kubernetes API (helm-releases.ts), as Helm itself stores them, and the Lease beside the canary
// that carries the action's ownership marks (docs/deploy.md: `<canary-release>.canary-action`, one
// `canary-action/<mark>` annotation per mark), read as any user would.
import { ApiException, CoordinationV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { DemoContext } from './types.js';
import type { HelmRevision } from './helm-releases.js';

export type ReleaseRead =
  | { exists: false }
  | {
      exists: true;
      revision: number;
      status: string;
      version: string | null;
      weight: string | number | null;
      /** The marks on the Lease named after this release; null when there is none. */
      marks: Record<string, string> | null;
      values: HelmRevision['config'] | null;
    };

/** The action's ownership marks on the Lease named after `release`; null when there is no such Lease. */
export async function readMarks(ctx: Pick<DemoContext, 'client' | 'namespace'>, release: string) {
  const api = ctx.client.kubeconfig.makeApiClient(CoordinationV1Api);
  try {
    const lease = await api.readNamespacedLease({
      name: `${release}.canary-action`,
      namespace: ctx.namespace
    });
    const marks: Record<string, string> = {};
    for (const [key, value] of Object.entries(lease.metadata?.annotations ?? {})) {
      if (key.startsWith('canary-action/')) marks[key.slice('canary-action/'.length)] = value;
    }
    return marks;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return null;
    throw error;
  }
}

/**
 * Deletes the Lease named after `release`, as a user who removed a canary by hand must (or run
 * `command: rollback`); a Lease that is not there is fine.
 */
export async function deleteLeftoverLease(
  ctx: Pick<DemoContext, 'client' | 'namespace'>,
  release: string
): Promise<void> {
  const api = ctx.client.kubeconfig.makeApiClient(CoordinationV1Api);
  try {
    await api.deleteNamespacedLease({ name: `${release}.canary-action`, namespace: ctx.namespace });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
}

/**
 * The canary-weight annotation on the release's own canary Ingress (ingress-nginx patches the weight
 * there after the install, so the release's values keep the install's 0); undefined when it has none.
 */
export async function canaryIngressWeight(
  ctx: Pick<DemoContext, 'client' | 'namespace'>,
  release: string
): Promise<number | undefined> {
  const api = ctx.client.kubeconfig.makeApiClient(NetworkingV1Api);
  const list = await api.listNamespacedIngress({ namespace: ctx.namespace });
  const ingress = list.items.find(
    (i) =>
      i.metadata?.annotations?.['meta.helm.sh/release-name'] === release &&
      i.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true'
  );
  const weight = ingress?.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
  return weight === undefined ? undefined : Number(weight);
}

/** A release as Helm stores it: latest revision, status, version, weight and user values, and its marks. */
export async function readRelease(ctx: DemoContext, name: string): Promise<ReleaseRead> {
  const rel = await ctx.client.release(ctx.namespace, name);
  const last = rel?.revisions.at(-1);
  if (!last || last.info.status === 'uninstalled') return { exists: false };
  return {
    exists: true,
    revision: last.version,
    status: last.info.status,
    version: last.config?.image?.tag ?? null,
    weight: (await canaryIngressWeight(ctx, name)) ?? last.config?.canary?.weight ?? null,
    marks: await readMarks(ctx, name),
    values: last.config ?? null
  };
}

/** The share of traffic the canary release holds now (0 when it is gone). */
export async function readCanaryWeight(ctx: DemoContext): Promise<number | null> {
  const canary = await readRelease(ctx, ctx.canaryRelease);
  if (!canary.exists) return 0;
  return canary.weight === null ? null : Number(canary.weight);
}
