// The gateway-api router against a real API server (the sandbox's kube-apiserver with the Gateway
// API CRDs from its build), through the real kubectl adapter: the route carries the weights, a stale
// write is refused by the server's resourceVersion check, and removal restores the route exactly.
// With the real Helm 4 (server-side apply): the edit makes stable's upgrade conflict, and the
// hand-back before the promotion gives the route back to Helm, so the upgrade goes through. The times
// to zero weight are printed (figures, not assertions).
// Needs the sandbox binaries: skips with a message when .tools/sandbox/manifest.json is missing
// (CI builds them with `npm run sandbox:build`). SANDBOX_ROOT may point at another checkout's build.
import { expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import { rolloutSpec } from '../helpers/rollout-spec.js';
import { describeIfSandboxBuilt, useApiServer } from '../helpers/api-server.js';
import type { JsonPatchOp } from '../../src/routing/route-edit.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { httpRouteRouter, HTTPROUTE_RESOURCE } from '../../src/routing/httproute-router.js';
import { EDIT_ANNOTATION, type HTTPRoute } from '../../src/routing/httproute.js';
import { KubeConflictError } from '../../src/routing/kube.js';

const execFileAsync = promisify(execFile);
const project = path.resolve(import.meta.dirname, '../..');
const describeIfBuilt = describeIfSandboxBuilt('routing-real');

jest.setTimeout(180_000);

const NS = 'shop';

const server = useApiServer('routing-real-', NS);
const kubectl = server.kubectl;

const readRoute = async (name: string): Promise<HTTPRoute> =>
  JSON.parse(await kubectl(['get', HTTPROUTE_RESOURCE, name, '-n', NS, '-o', 'json'])) as HTTPRoute;

/** What a person or Helm wrote: everything but the fields the API server maintains. */
function asRendered(route: HTTPRoute): unknown {
  const { resourceVersion: _v, generation: _g, managedFields: _m, ...metadata } = route.metadata;
  return { metadata, spec: route.spec };
}

describeIfBuilt('HTTPRoute router on a real API server', () => {
  test('the route carries 100-w / w, a stale write is refused, and removal restores it exactly', async () => {
    const rendered = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: {
        name: 'storefront',
        namespace: NS,
        labels: { 'app.kubernetes.io/instance': 'storefront' },
        annotations: { 'meta.helm.sh/release-name': 'storefront' }
      },
      spec: {
        parentRefs: [{ name: 'gateway' }],
        hostnames: ['shop.example.com'],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
            backendRefs: [{ name: 'admin', port: 80 }]
          },
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ name: 'storefront', port: 80 }]
          }
        ]
      }
    };
    await kubectl(['create', '-f', '-'], JSON.stringify(rendered));
    const before = await readRoute('storefront');

    const kube = new KubectlObjects(actionsExecRunner, server.kubectlBinary);
    const router = httpRouteRouter(
      { namespace: NS, release: 'storefront', canaryRelease: 'storefront-canary', route: undefined },
      {
        kube,
        services: { services: async (release) => [release], renderedObjects: async () => [] },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
      }
    );

    await router.prepare(10);
    let route = await readRoute('storefront');
    // The CRD's defaults (group "", kind Service, weight 1) are part of what the server stores.
    expect(route.spec!.rules![1].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'storefront', port: 80, weight: 90 },
      { group: '', kind: 'Service', name: 'storefront-canary', port: 80, weight: 10 }
    ]);
    expect(route.spec!.rules![0]).toEqual(before.spec!.rules![0]);
    expect(route.metadata.annotations![EDIT_ANNOTATION]).toContain('"canaryRelease":"storefront-canary"');

    const started = performance.now();
    await router.setWeight(50);
    const stepMs = performance.now() - started;
    route = await readRoute('storefront');
    expect(route.spec!.rules![1].backendRefs!.map((r) => [r.name, r.weight])).toEqual([
      ['storefront', 50],
      ['storefront-canary', 50]
    ]);
    expect((await router.describe({ exists: true })).weight).toBe(50);

    // The server refuses a write made from a stale read: nothing changes.
    const stale = [
      { op: 'test' as const, path: '/metadata/resourceVersion', value: before.metadata.resourceVersion },
      { op: 'replace' as const, path: '/spec/hostnames', value: ['evil.example.com'] }
    ];
    await expect(kube.jsonPatch(HTTPROUTE_RESOURCE, NS, 'storefront', stale)).rejects.toBeInstanceOf(
      KubeConflictError
    );
    expect((await readRoute('storefront')).spec!.hostnames).toEqual(['shop.example.com']);

    const zeroStarted = performance.now();
    await router.setWeight(0);
    const zeroMs = performance.now() - zeroStarted;
    await router.remove();
    const after = await readRoute('storefront');
    expect(asRendered(after)).toEqual(asRendered(before));
    expect(after.metadata.annotations).toEqual({ 'meta.helm.sh/release-name': 'storefront' });
    expect((await router.describe({ exists: true })).weight).toBe(0);
    console.log(
      `gateway-api on a real API server: one weight step ${stepMs.toFixed(0)} ms, weight 0 ${zeroMs.toFixed(0)} ms (kubectl get + patch)`
    );
  });

  test("Helm 4 owns stable's route: the edit would make its upgrade conflict; handed back first, the upgrade goes through", async () => {
    const ns = 'helm4';
    const helm4 = helmBinaryPath(4);
    await kubectl(['create', 'namespace', ns]);
    const values = ['--set', 'ingress.enabled=false', '--set', 'httpRoute.enabled=true'];
    const helm = (args: string[]) =>
      execFileAsync(helm4, [...args, 'charts/storefront', '--namespace', ns, ...values], {
        cwd: project,
        env: { ...process.env }
      });
    await helm(['install', 'storefront', '--set', 'image.tag=1.0.0']);
    await helm(['install', 'storefront-canary', '--set', 'image.tag=2.0.0']);
    const rendered = await readRouteIn(ns, 'storefront');
    expect(rendered.spec!.rules![0].backendRefs!.map((r) => r.name)).toEqual(['storefront']);

    const spec = rolloutSpec({ namespace: ns, chart: 'charts/storefront', routing: 'gateway-api' });
    const deployer = new HelmDeployer(spec, actionsExecRunner, () => {}, helm4);
    const kube = new KubectlObjects(actionsExecRunner, server.kubectlBinary);
    // When each patch came back: the restore is the moment the canary's weight is 0.
    const patchedAt: number[] = [];
    const timedKube = {
      ...kube,
      get: kube.get.bind(kube),
      list: kube.list.bind(kube),
      apply: kube.apply.bind(kube),
      create: kube.create.bind(kube),
      delete: kube.delete.bind(kube),
      jsonPatch: async <T>(resource: string, namespace: string, name: string, ops: JsonPatchOp[]) => {
        const result = await kube.jsonPatch<T>(resource, namespace, name, ops);
        patchedAt.push(performance.now());
        return result;
      }
    };
    const router = httpRouteRouter(
      { namespace: ns, release: 'storefront', canaryRelease: 'storefront-canary' },
      { kube: timedKube, services: deployer, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }
    );
    await router.prepare(10);
    await router.setWeight(50);
    expect(
      (await readRouteIn(ns, 'storefront')).spec!.rules![0].backendRefs!.map((r) => [r.name, r.weight])
    ).toEqual([
      ['storefront', 50],
      ['storefront-canary', 50]
    ]);

    // What docs/charts.md describes: Helm 4's apply conflicts with the action's patch of .spec.rules.
    await expect(helm(['upgrade', 'storefront', '--set', 'image.tag=1.0.1'])).rejects.toThrow(/conflict/i);

    const decided = performance.now();
    await router.beforePromotion();
    const handedBack = performance.now();
    const zeroMs = patchedAt.at(-1)! - decided;
    const route = await readRouteIn(ns, 'storefront');
    expect(route.spec).toEqual(rendered.spec);
    expect(route.metadata.annotations?.[EDIT_ANNOTATION]).toBeUndefined();
    expect(rulesManagers(route)).toEqual(['helm']);
    expect((await router.describe({ exists: true })).weight).toBe(0);

    // The promotion: stable's upgrade goes through, and the route is as the new revision renders it.
    await helm(['upgrade', 'storefront', '--set', 'image.tag=2.0.0']);
    const promoted = await readRouteIn(ns, 'storefront');
    expect(promoted.spec).toEqual(rendered.spec);
    expect((promoted.metadata.labels as Record<string, string>)['app.kubernetes.io/version']).toBe('2.0.0');
    expect(promoted.metadata.annotations).toEqual(rendered.metadata.annotations);
    // Nothing left to hand back: a second removal writes nothing.
    const writes = patchedAt.length;
    await router.remove();
    expect(patchedAt).toHaveLength(writes);
    console.log(
      `gateway-api with Helm 4 on a real API server: decision to zero weight ${zeroMs.toFixed(0)} ms ` +
        `(kubectl get + patch), hand-back to Helm done after ${(handedBack - decided).toFixed(0)} ms ` +
        `(+ helm get manifest, kubectl get, kubectl apply --server-side)`
    );
  });
});

const readRouteIn = async (ns: string, name: string): Promise<HTTPRoute> =>
  JSON.parse(
    await kubectl(['get', HTTPROUTE_RESOURCE, name, '-n', ns, '-o', 'json', '--show-managed-fields'])
  ) as HTTPRoute;

/** The field managers that own part of `.spec.rules`. */
function rulesManagers(route: HTTPRoute): string[] {
  const entries = (route.metadata.managedFields ?? []) as Array<{ manager: string; fieldsV1?: any }>;
  return entries.filter((e) => e.fieldsV1?.['f:spec']?.['f:rules'] !== undefined).map((e) => e.manager);
}
