// Every cluster read of the outcome scenarios goes through here, so a port to another cluster (a
// real control plane with real Helm) swaps only this file. Today: the sandbox's Helm storage.

/** A release as Helm stores it: latest revision, status, version, weight, marks and user values. */
export async function readRelease(ctx, name) {
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
export async function readCanaryWeight(ctx) {
  const canary = await readRelease(ctx, ctx.canaryRelease);
  if (!canary.exists) return 0;
  return canary.weight === null ? null : Number(canary.weight);
}
