// Every cluster read of the outcome scenarios goes through here: Helm's release Secrets, read through
// the Kubernetes API (helm-releases.ts), as Helm itself stores them.
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
      marks: Record<string, unknown> | null;
      values: HelmRevision['config'] | null;
    };

/** A release as Helm stores it: latest revision, status, version, weight, marks and user values. */
export async function readRelease(ctx: DemoContext, name: string): Promise<ReleaseRead> {
  const rel = await ctx.client.release(ctx.namespace, name);
  const last = rel?.revisions.at(-1);
  if (!last || last.info.status === 'uninstalled') return { exists: false };
  return {
    exists: true,
    revision: last.version,
    status: last.info.status,
    version: last.config?.image?.tag ?? null,
    weight: last.config?.canaryAction?.weight ?? last.config?.canary?.weight ?? null,
    marks: last.config?.canaryAction ?? null,
    values: last.config ?? null
  };
}

/** The share of traffic the canary release holds now (0 when it is gone). */
export async function readCanaryWeight(ctx: DemoContext): Promise<number | null> {
  const canary = await readRelease(ctx, ctx.canaryRelease);
  if (!canary.exists) return 0;
  return canary.weight === null ? null : Number(canary.weight);
}
