// ingress-nginx on a chart that renders the canary annotations itself, against a real API server (the
// sandbox's kube-apiserver) through the real kubectl adapter: the canary's Ingress as Helm 4 installs
// it (server-side apply as `helm`, weight 0), each step one patch, a stale write refused by the server,
// removal patches the weight to 0. Prints the time a step and the removal take (a figure, not a test).
// Needs the sandbox binaries: skips with a message when .tools/sandbox/manifest.json is missing.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { INGRESS_RESOURCE } from '../../src/routing/owned-ingress-router.js';
import { chartIngressRouter } from '../../src/routing/chart-ingress-router.js';
import { WEIGHT_ANNOTATION, type Ingress } from '../../src/routing/canary-ingress.js';
import { KubeConflictError, type RenderedObject } from '../../src/routing/kube.js';

const execFileAsync = promisify(execFile);
const root = process.env.SANDBOX_ROOT ?? path.resolve(import.meta.dirname, '../..');
const manifestFile = path.join(root, '.tools/sandbox/manifest.json');
const cli = path.join(root, 'sandbox/cli.ts');
const built = existsSync(manifestFile) && existsSync(cli);
if (!built) {
  console.warn(
    `routing-real: SKIPPED, ${manifestFile} (or ${cli}) not found: run \`npm run sandbox:build\` first`
  );
}
const describeIfBuilt = built ? describe : describe.skip;

jest.setTimeout(180_000);

const NS = 'web';
let stateDir: string;
let kubectlPath: string;
let kubeconfig: string;
let previousKubeconfig: string | undefined;

const sandbox = (args: string[]) =>
  execFileAsync(process.execPath, ['--import', 'tsx', cli, ...args, '--state-dir', stateDir], { cwd: root });

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const child = execFileAsync(kubectlPath, [`--kubeconfig=${kubeconfig}`, ...args]);
  if (stdin !== undefined) child.child.stdin?.end(stdin);
  return (await child).stdout;
}

describeIfBuilt("the chart's canary Ingress on a real API server", () => {
  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { binaries: { kubectl: string } };
    kubectlPath = manifest.binaries.kubectl;
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'routing-real-chart-ingress-'));
    const { stdout } = await sandbox(['up', '--no-agent', '--json']);
    kubeconfig = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { kubeconfig: string }).kubeconfig;
    previousKubeconfig = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig;
    await kubectl(['create', 'namespace', NS]);
  });

  afterAll(async () => {
    if (previousKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previousKubeconfig;
    if (stateDir) {
      await sandbox(['down']).catch((error: unknown) => console.warn(`sandbox down: ${String(error)}`));
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

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
    const kube = new KubectlObjects(actionsExecRunner, kubectlPath);
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
