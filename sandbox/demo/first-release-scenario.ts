// The demo's first-release scenario (issue 12): `deploy` of an app that has no stable release yet.
// There is nothing to canary against, so the action installs the chart directly as stable: decision
// `installed`, a success check run whose title says it was not canaried. Read back afterwards,
// through the Kubernetes API (Helm's release Secrets, the Lease) and the real Helm: the stable
// release exists and is deployed at the new version, no canary release exists, and the lease that
// guarded the install is gone.
// It deploys a new app, `storefront-first`, on its own host, so the demo's stable storefront and the
// traffic it serves are left as they are.
import { readMarks, readRelease } from './cluster-reads.js';
import type { Scenario } from './types.js';

const RELEASE = 'storefront-first';
const CANARY = `${RELEASE}-canary`;

export const firstRelease: Scenario = {
  title: 'a first release: no stable yet, so the chart is installed directly as stable (not canaried)',
  version: '2.20.0',
  expected: ['installed'],
  // Its own host: two Ingresses for one host would split the demo's traffic between the apps.
  set: ['ingress.host=first.example.com'],
  inputs: { release: RELEASE, 'check-name': `canary / ${RELEASE}` },
  async setup(ctx) {
    // A leftover of an earlier demo would not be a first release.
    await ctx.helm(['uninstall', RELEASE, '--namespace', ctx.namespace, '--wait', '--ignore-not-found']);
    const before = await readRelease(ctx, RELEASE);
    if (before.exists) throw new Error(`${RELEASE} still exists before the first release`);
  },
  async fields(ctx, result) {
    const stable = await readRelease(ctx, RELEASE);
    const canary = await readRelease(ctx, CANARY);
    const status = await ctx.helm(['status', RELEASE, '--namespace', ctx.namespace, '-o', 'json']);
    const helmStatus =
      status.status === 0
        ? ((JSON.parse(status.stdout) as { info?: { status?: string } }).info?.status ?? null)
        : null;
    const marks = await readMarks(ctx, CANARY);
    const checkRun = ctx.checkRun(result.checkRunId);
    const fields = {
      exitCode: result.code,
      finalWeight: Number(result.outputs['final-weight']),
      stableStatus: stable.exists ? stable.status : null,
      stableHelmStatus: helmStatus,
      stableVersion: stable.exists ? stable.version : null,
      canaryPresentAfter: canary.exists,
      leasePresentAfter: marks !== null,
      checkRunConclusion: checkRun?.conclusion ?? null,
      checkRunTitle: ((checkRun?.output as { title?: string } | undefined)?.title ?? null) as string | null
    };
    if (fields.exitCode !== 0) ctx.fail(`exit code ${fields.exitCode}, expected 0`);
    if (fields.stableStatus !== 'deployed' || fields.stableHelmStatus !== 'deployed')
      ctx.fail(
        `stable ${RELEASE} is ${fields.stableStatus} (helm status: ${fields.stableHelmStatus}), expected deployed`
      );
    if (fields.stableVersion !== this.version)
      ctx.fail(`stable ${RELEASE} runs ${fields.stableVersion}, expected ${this.version}`);
    if (fields.canaryPresentAfter) ctx.fail(`a canary release ${CANARY} exists after a first release`);
    if (fields.leasePresentAfter) ctx.fail(`the lease ${CANARY}.canary-action was left behind`);
    if (fields.finalWeight !== 100) ctx.fail(`final-weight ${fields.finalWeight}, expected 100`);
    if (!/not canaried/.test(fields.checkRunTitle ?? ''))
      ctx.fail(`the check run's title does not say it was not canaried: ${fields.checkRunTitle}`);
    return fields;
  },
  async after(ctx) {
    await ctx.helm(['uninstall', RELEASE, '--namespace', ctx.namespace, '--wait']);
  }
};
