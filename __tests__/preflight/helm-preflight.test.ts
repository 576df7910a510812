// The preflight's Helm adapter with the real Helm binaries on our storefront chart (client-side
// renders; the server-side dry run is exercised on the sandbox by the misconfigured demo scenario).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { HelmPreflight } from '../../src/deploy/helm-preflight.js';
import { canaryDryRunArgs } from '../../src/deploy/helm-args.js';
import { parseManifest } from '../../src/preflight/manifest.js';
import { checkRender } from '../../src/preflight/render-check.js';
import { checkCollisions } from '../../src/preflight/collisions.js';
import { createRouter } from '../../src/routing/index.js';
import type { RolloutSpec } from '../../src/config/spec.js';
import { realHelm, repoRoot } from '../deploy/real-helm.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

const storefront = path.join(repoRoot, 'charts/storefront');
const noChart = { setWeight: async () => {}, zeroWeight: async () => {} };
/** The chart-values presets never reach the API; a call to it would fail the test. */
const unreachable = async (): Promise<never> => {
  throw new Error('a chart-values router called the Kubernetes API');
};
const chartOnlyDeps = {
  chart: noChart,
  kube: {
    get: unreachable,
    list: unreachable,
    jsonPatch: unreachable,
    apply: unreachable,
    create: unreachable,
    delete: unreachable
  },
  services: { services: unreachable, renderedObjects: unreachable },
  sleep: async () => {}
};

function adapter(major: 3 | 4, overrides: Partial<RolloutSpec> = {}) {
  const spec = rolloutSpec({ chart: storefront, valuesFiles: [], set: [], version: '2.0.0', ...overrides });
  const helm = new HelmPreflight(
    spec,
    actionsExecRunner,
    async () => ({ exists: false }),
    () => {},
    realHelm(major)
  );
  // No cluster here: the client-side render stands in for the server-side one.
  const clientOnly = {
    ...helm,
    actionValueKeys: (w: number) => helm.actionValueKeys(w),
    templateUserValues: () => helm.templateUserValues(),
    templateCanary: (w: number) => helm.templateCanary(w),
    renderCanary: (w: number) => helm.templateCanary(w),
    stableState: () => helm.stableState(),
    stableManifest: () => helm.stableManifest()
  };
  return { spec, helm, clientOnly };
}

describe.each([3, 4] as const)('HelmPreflight on Helm %i', (major) => {
  it('the ingress-nginx preset: the canary render at 10% differs from 0% in its Ingress', async () => {
    const { spec, helm } = adapter(major, { routing: 'ingress-nginx' });
    const router = createRouter(spec, chartOnlyDeps);
    const verdict = await router.preflight!({
      weight: 10,
      stableExists: true,
      renderCanary: async (w) => parseManifest(await helm.templateCanary(w))
    });
    expect(verdict).toEqual({
      ok: true,
      detail: expect.stringMatching(/differs from 0% in .*Ingress storefront-canary/)
    });
  });

  it('routing values the chart does not read change nothing: the router says so', async () => {
    const { spec, helm } = adapter(major, {
      routing: 'values',
      weightValues: [{ key: 'mesh.percent', value: '{{weight}}' }]
    });
    const router = createRouter(spec, chartOnlyDeps);
    const verdict = await router.preflight!({
      weight: 10,
      stableExists: true,
      renderCanary: async (w) => parseManifest(await helm.templateCanary(w))
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(
      /routing values: the render of storefront-canary at 10% is the same as at 0%/
    );
  });

  it('a fullnameOverride in the shared values makes the canary render stable’s names', async () => {
    const { helm } = adapter(major, { set: [{ key: 'fullnameOverride', value: 'storefront' }] });
    const canary = parseManifest(await helm.templateCanary(10));
    const stable = parseManifest(await helm.templateUserValues());
    const found = checkCollisions({
      canary,
      stable,
      namespace: 'shop',
      canaryRelease: 'storefront-canary',
      release: 'storefront',
      clusterScopedKinds: new Set()
    });
    expect(found.errors.map((e) => e.code)).toEqual(['release-objects-collide']);
    expect(found.errors[0].message).toContain('Service shop/storefront');
  });

  it('a strict values.schema.json: the error names the action’s keys to allow', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strict-chart-'));
    fs.cpSync(storefront, dir, { recursive: true });
    const schemaFile = path.join(dir, 'values.schema.json');
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
    schema.additionalProperties = false;
    delete schema.properties.canary;
    fs.writeFileSync(schemaFile, JSON.stringify(schema));
    try {
      const { clientOnly } = adapter(major, { chart: dir });
      const found = await checkRender(clientOnly, 'storefront-canary', 10);
      expect(found.errors.map((e) => e.code)).toEqual(['schema-rejects-action-values']);
      expect(found.errors[0].message).toMatch(
        /rejects the values the action sets on storefront-canary \(canary\.enabled, canary\.weight, canary\.routing, canary\.stableRelease\): allow `canary`/
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('canaryDryRunArgs', () => {
  it('is a server-side dry run of the canary install, printed as JSON', () => {
    const args = canaryDryRunArgs(rolloutSpec({ steps: [10] }), 10);
    expect(args.slice(0, 6)).toEqual([
      'upgrade',
      '--install',
      'storefront-canary',
      './charts/storefront',
      '--namespace',
      'shop'
    ]);
    expect(args.slice(-3)).toEqual(['--dry-run=server', '-o', 'json']);
    expect(args).toContain('canary.weight=10');
    // The marks are on a Lease, never in the values: two renders differ only where routing values reach.
    expect(args.some((a) => a.startsWith('canaryAction.'))).toBe(false);
  });
});
