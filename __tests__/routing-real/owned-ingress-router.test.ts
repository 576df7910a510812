// ingress-nginx's own canary Ingress (charts without ingress.annotations) against a real API server
// (the sandbox's kube-apiserver), through the real kubectl adapter: created from stable's Ingress on
// stdin, weight steps as one patch each, a stale write refused by the server, removal deletes it.
// Needs the sandbox binaries: skips with a message when .tools/sandbox/manifest.json is missing
// (CI builds them with `npm run sandbox:build`). SANDBOX_ROOT may point at another checkout's build.
import { expect, jest, test } from '@jest/globals';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { INGRESS_RESOURCE, ownedIngressRouter } from '../../src/routing/owned-ingress-router.js';
import { OWNER_ANNOTATION, type Ingress } from '../../src/routing/canary-ingress.js';
import { KubeConflictError } from '../../src/routing/kube.js';
import { describeIfSandboxBuilt, useApiServer } from '../helpers/api-server.js';

const describeIfBuilt = describeIfSandboxBuilt('routing-real');

jest.setTimeout(180_000);

const NS = 'web';

const server = useApiServer('routing-real-ingress-', NS);
const kubectl = server.kubectl;

const readIngresses = async (): Promise<Ingress[]> =>
  (JSON.parse(await kubectl(['get', INGRESS_RESOURCE, '-n', NS, '-o', 'json'])) as { items: Ingress[] })
    .items;

describeIfBuilt('the canary Ingress on a real API server', () => {
  test('created from stable, one patch per step, a stale write refused, removed by its mark', async () => {
    // Stable's Ingress as a chart without ingress.annotations renders it (bitnami-like: TLS, a named port).
    const stable = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'nginx', namespace: NS, labels: { 'app.kubernetes.io/instance': 'nginx' } },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop.example.com-tls' }],
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'nginx', port: { name: 'http' } } }
                }
              ]
            }
          }
        ]
      }
    };
    await kubectl(['create', '-f', '-'], JSON.stringify(stable));
    const kube = new KubectlObjects(actionsExecRunner, server.kubectlBinary);
    const services: Record<string, string[]> = { nginx: ['nginx'], 'nginx-canary': ['nginx-canary'] };
    const router = ownedIngressRouter(
      { namespace: NS, release: 'nginx', canaryRelease: 'nginx-canary' },
      {
        kube,
        services: { services: async (r) => services[r] ?? [], renderedObjects: async () => [] },
        sleep: async () => {}
      }
    );

    await router.prepare(10);
    const made = (await readIngresses()).find((i) => i.metadata.name === 'nginx-canary-action')!;
    expect(made.spec).toEqual({
      ...stable.spec,
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx-canary', port: { name: 'http' } } }
              }
            ]
          }
        }
      ]
    });
    expect(made.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
      [OWNER_ANNOTATION]: '{"canaryRelease":"nginx-canary","stableIngress":"nginx"}'
    });

    const stepStart = performance.now();
    await router.setWeight(50);
    const stepMs = performance.now() - stepStart;
    expect(await router.describe({ exists: true })).toEqual({
      preset: 'ingress-nginx',
      target: `Ingress ${NS}/nginx-canary-action`,
      weight: 50
    });

    // The server refuses a patch whose resourceVersion test is stale; the adapter says it was a race.
    const stale = made.metadata.resourceVersion!;
    await expect(
      kube.jsonPatch(INGRESS_RESOURCE, NS, 'nginx-canary-action', [
        { op: 'test', path: '/metadata/resourceVersion', value: stale },
        {
          op: 'replace',
          path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight',
          value: '99'
        }
      ])
    ).rejects.toBeInstanceOf(KubeConflictError);

    const removeStart = performance.now();
    await router.remove();
    const removeMs = performance.now() - removeStart;
    await router.remove();
    expect((await readIngresses()).map((i) => i.metadata.name)).toEqual(['nginx']);
    console.log(
      `owned canary Ingress on a real API server: weight step ${stepMs.toFixed(0)} ms, removal ${removeMs.toFixed(0)} ms`
    );
  });
});
