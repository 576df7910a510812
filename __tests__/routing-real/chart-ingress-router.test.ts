// ingress-nginx on a chart that renders the canary annotations itself, against a real API server (the
// sandbox's kube-apiserver) through the real kubectl adapter: the canary's Ingress as Helm 4 installs
// it (server-side apply as `helm`, weight 0), each step one patch, a stale write refused by the server,
// removal patches the weight to 0. Prints the time a step and the removal take (a figure, not a test).
// Needs the sandbox binaries: skips with a message when .tools/sandbox/manifest.json is missing.
import { expect, jest, test } from '@jest/globals';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { INGRESS_RESOURCE } from '../../src/routing/owned-ingress-router.js';
import { chartIngressRouter } from '../../src/routing/chart-ingress-router.js';
import { WEIGHT_ANNOTATION, type Ingress } from '../../src/routing/canary-ingress.js';
import { KubeConflictError, type RenderedObject } from '../../src/routing/kube.js';
import { describeIfSandboxBuilt, useApiServer } from '../helpers/api-server.js';

const describeIfBuilt = describeIfSandboxBuilt('routing-real');

jest.setTimeout(180_000);

const NS = 'web';

const server = useApiServer('routing-real-chart-ingress-', NS);
const kubectl = server.kubectl;

describeIfBuilt("the chart's canary Ingress on a real API server", () => {
  test('installed at 0 by Helm, one patch per step, a stale write refused, zeroed by a patch', async () => {
    const rendered = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'storefront-canary',
        namespace: NS,
        annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', [WEIGHT_ANNOTATION]: '0' }
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'storefront-canary', port: { number: 80 } } }
                }
              ]
            }
          }
        ]
      }
    };
    // As Helm 4 installs it: server-side apply, field manager `helm`.
    await kubectl(['apply', '--server-side', '--field-manager=helm', '-f', '-'], JSON.stringify(rendered));
    const kube = new KubectlObjects(actionsExecRunner, server.kubectlBinary);
    const deps = {
      kube,
      services: {
        services: async () => ['storefront-canary'],
        renderedObjects: async () => [rendered as RenderedObject]
      },
      sleep: async () => {}
    };
    const router = chartIngressRouter({ namespace: NS, canaryRelease: 'storefront-canary' }, deps);
    const weight = async () =>
      (await kube.get<Ingress>(INGRESS_RESOURCE, NS, 'storefront-canary'))!.metadata.annotations?.[
        WEIGHT_ANNOTATION
      ];

    await router.prepare(10);
    expect(await weight()).toBe('10');
    const stale = (await kube.get<Ingress>(INGRESS_RESOURCE, NS, 'storefront-canary'))!.metadata
      .resourceVersion!;
    const stepStart = performance.now();
    await router.setWeight(50);
    const stepMs = performance.now() - stepStart;
    expect(await router.describe({ exists: true, weight: 0 })).toEqual({
      preset: 'ingress-nginx',
      target: `Ingress ${NS}/storefront-canary`,
      weight: 50
    });

    await expect(
      kube.jsonPatch(INGRESS_RESOURCE, NS, 'storefront-canary', [
        { op: 'test', path: '/metadata/resourceVersion', value: stale },
        { op: 'add', path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight', value: '99' }
      ])
    ).rejects.toBeInstanceOf(KubeConflictError);
    expect(await weight()).toBe('50');

    const removeStart = performance.now();
    await router.remove();
    const removeMs = performance.now() - removeStart;
    expect(await weight()).toBe('0');
    // A later run (the post step, `command: rollback`) reads the render again first.
    await kubectl([
      'annotate',
      '--overwrite',
      INGRESS_RESOURCE,
      '-n',
      NS,
      'storefront-canary',
      `${WEIGHT_ANNOTATION}=30`
    ]);
    const coldStart = performance.now();
    await chartIngressRouter({ namespace: NS, canaryRelease: 'storefront-canary' }, deps).remove();
    const coldMs = performance.now() - coldStart;
    expect(await weight()).toBe('0');
    console.log(
      `chart's canary Ingress on a real API server: weight step ${stepMs.toFixed(0)} ms, weight 0 at removal ${removeMs.toFixed(0)} ms (${coldMs.toFixed(0)} ms from a new router, render given)`
    );
  });
});
