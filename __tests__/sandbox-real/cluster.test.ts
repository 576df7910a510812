// The sandbox's real cluster (npm run sandbox:build, then sandbox/control-plane): API server, controllers,
// scheduler, etcd, CRDs, Traefik and the node agent, asserted through kubectl and HTTP, never through the
// sandbox's own bookkeeping. Skips only when the binaries are not built (.ci/run builds them).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KUBERNETES_VERSION } from '../../sandbox/build/components.js';
import { manifestPath, readManifest, type SandboxManifest } from '../../sandbox/build/manifest.js';
import { launchSandbox, type LaunchedSandbox } from '../../sandbox/control-plane/launcher.js';

const execFileAsync = promisify(execFile);
const built = existsSync(manifestPath);
if (!built)
  console.warn(`sandbox-real: SKIPPED, ${manifestPath} not found: run \`npm run sandbox:build\` first`);
const describeIfBuilt = built ? describe : describe.skip;

jest.setTimeout(180_000);

const POD_CIDR = '10.244.100.0/24';
let manifest: SandboxManifest;
let sandbox: LaunchedSandbox;
let stateDir: string;

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const child = execFileAsync(manifest.binaries.kubectl, [
    `--kubeconfig=${sandbox.info.kubeconfig}`,
    ...args
  ]);
  if (stdin !== undefined) child.child.stdin?.end(stdin);
  return (await child).stdout;
}

const helmBinary = path.resolve(import.meta.dirname, '../../.tools/helm4/helm');
const storefrontChart = path.resolve(import.meta.dirname, '../../charts/storefront');

async function helm(args: string[]): Promise<string> {
  const env = { ...process.env, KUBECONFIG: sandbox.info.kubeconfig };
  return (await execFileAsync(helmBinary, args, { env })).stdout;
}

const apply = (objects: object[]): Promise<string> =>
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));

/** GET through Traefik with a Host header; resolves with podinfo's `message` (which backend answered). */
function getThroughIngress(host: string): Promise<{ status: number; message?: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${sandbox.info.ingress}/`,
      { headers: { host }, agent: false, timeout: 5000 },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          let message: string | undefined;
          try {
            message = (JSON.parse(body) as { message?: string }).message;
          } catch {
            message = undefined;
          }
          resolve({ status: res.statusCode ?? 0, message });
        });
      }
    );
    request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
    request.on('error', reject);
  });
}

async function countAnswers(host: string, requests: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const { status, message } = await getThroughIngress(host);
    const key = status === 200 ? (message ?? 'no message') : `HTTP ${status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Retries until `check` passes: Traefik applies a routing change a moment after the API server stores it. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A podinfo Deployment + Service; podinfo answers GET / with JSON whose `message` names the arm. */
function podinfoApp(name: string, replicas: number): object[] {
  const labels = { app: name };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'podinfo',
                image: 'ghcr.io/stefanprodan/podinfo:6.9.2',
                command: ['./podinfo', '--port=9898'],
                env: [{ name: 'PODINFO_UI_MESSAGE', value: name }],
                ports: [{ name: 'http', containerPort: 9898 }],
                readinessProbe: { httpGet: { path: '/readyz', port: 9898 }, periodSeconds: 1 }
              }
            ]
          }
        }
      }
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }
    }
  ];
}

function ingress(
  name: string,
  host: string,
  service: string,
  annotations: Record<string, string> = {}
): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } }
            ]
          }
        }
      ]
    }
  };
}

function httpRoute(host: string, weights: { stable: number; canary: number }): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'weighted', namespace: 'default' },
    spec: {
      parentRefs: [{ name: 'gateway' }],
      hostnames: [host],
      rules: [
        {
          backendRefs: [
            { name: 'stable', port: 80, weight: weights.stable },
            { name: 'canary', port: 80, weight: weights.canary }
          ]
        }
      ]
    }
  };
}

describeIfBuilt(
  'the sandbox cluster (real API server, controllers, scheduler, etcd, Traefik, node agent)',
  () => {
    beforeAll(async () => {
      manifest = readManifest();
      stateDir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-real-'));
      sandbox = await launchSandbox({
        stateDir,
        detached: false,
        withAgent: true,
        podCidr: POD_CIDR,
        nodeName: 'test-node'
      });
    });

    afterAll(async () => {
      // A sandbox that failed to start keeps its state dir: the error names the logs in it.
      if (!sandbox) return;
      await sandbox.stop();
      rmSync(stateDir, { recursive: true, force: true });
    });

    test('comes up with the pinned Kubernetes version and a Ready node', async () => {
      expect(sandbox.info.kubernetesVersion).toBe(KUBERNETES_VERSION);
      const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as {
        serverVersion: { gitVersion: string };
      };
      expect(version.serverVersion.gitVersion).toBe(KUBERNETES_VERSION);
      const node = JSON.parse(await kubectl(['get', 'node', 'test-node', '-o', 'json'])) as {
        status: { conditions: { type: string; status: string }[] };
      };
      expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    });

    test('service accounts work: the token controller fills a token Secret, the API server issues bound tokens', async () => {
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: 'default-token',
          namespace: 'default',
          annotations: { 'kubernetes.io/service-account.name': 'default' }
        }
      };
      await apply([secret]);
      const filled = await eventually(async () => {
        const got = JSON.parse(await kubectl(['get', 'secret', 'default-token', '-o', 'json'])) as {
          data?: { token?: string };
        };
        expect(got.data?.token).toBeDefined();
        return Buffer.from(got.data!.token!, 'base64').toString();
      });
      const bound = (await kubectl(['create', 'token', 'default'])).trim();
      for (const token of [filled, bound]) {
        const review = JSON.parse(
          await kubectl(
            ['create', '-o', 'json', '-f', '-'],
            JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } })
          )
        ) as { status: { authenticated?: boolean; user?: { username?: string } } };
        expect(review.status).toMatchObject({
          authenticated: true,
          user: { username: 'system:serviceaccount:default:default' }
        });
      }
    });

    test('the audit log records write requests and no reads', async () => {
      await kubectl(['create', 'configmap', 'audit-probe', '--from-literal=k=v']);
      await kubectl(['get', 'configmap', 'audit-probe']);
      await kubectl(['delete', 'configmap', 'audit-probe']);
      const entries = readFileSync(sandbox.info.auditLog, 'utf8')
        .trim()
        .split('\n')
        .map(
          (line) => JSON.parse(line) as { verb: string; objectRef?: { resource?: string; name?: string } }
        );
      const probe = entries.filter(
        (e) => e.objectRef?.resource === 'configmaps' && e.objectRef.name === 'audit-probe'
      );
      expect(probe.map((e) => e.verb)).toEqual(['create', 'delete']);
      expect(entries.some((e) => ['get', 'list', 'watch'].includes(e.verb))).toBe(false);
    });

    test('serves the Gateway API, Istio and prometheus-operator CRDs with their validation', async () => {
      const route = httpRoute('dry-run.test', { stable: 90, canary: 10 });
      await expect(
        kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(route))
      ).resolves.toContain('httproute.gateway.networking.k8s.io/weighted created (server dry run)');
      const badRoute = httpRoute('dry-run.test', { stable: -1, canary: 10 });
      await expect(
        kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(badRoute))
      ).rejects.toThrow(/weight/);
      const crds = await kubectl(['get', 'crd', '-o', 'name']);
      for (const name of [
        'virtualservices.networking.istio.io',
        'podmonitors.monitoring.coreos.com',
        'prometheusrules.monitoring.coreos.com',
        'servicemonitors.monitoring.coreos.com'
      ])
        expect(crds).toContain(`customresourcedefinition.apiextensions.k8s.io/${name}`);
    });

    test('a Deployment gets pods scheduled and Ready through the real controllers, with pod IPs in the pod CIDR', async () => {
      await apply([...podinfoApp('stable', 2), ...podinfoApp('canary', 1)]);
      await kubectl(['rollout', 'status', 'deployment/stable', 'deployment/canary', '--timeout=90s']);
      const pods = JSON.parse(await kubectl(['get', 'pods', '-l', 'app=stable', '-o', 'json'])) as {
        items: {
          spec: { nodeName: string };
          status: { podIP: string };
          metadata: { ownerReferences: { kind: string }[] };
        }[];
      };
      expect(pods.items).toHaveLength(2);
      for (const pod of pods.items) {
        expect(pod.spec.nodeName).toBe('test-node');
        expect(pod.status.podIP).toMatch(/^10\.244\.100\.\d+$/);
        expect(pod.metadata.ownerReferences[0].kind).toBe('ReplicaSet');
      }
      const slices = JSON.parse(
        await kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=stable', '-o', 'json'])
      ) as { items: { endpoints: { addresses: string[]; conditions: { ready: boolean } }[] }[] };
      const addresses = slices.items.flatMap((s) =>
        s.endpoints.filter((e) => e.conditions.ready).flatMap((e) => e.addresses)
      );
      expect(addresses.sort()).toEqual(pods.items.map((p) => p.status.podIP).sort());
      // kubectl logs goes through the API server to the node agent's kubelet API.
      expect(await kubectl(['logs', 'deployment/stable'])).toContain('Starting podinfo');
    });

    test('Traefik routes an Ingress and its ingress-nginx canary by canary-weight, to pod IPs', async () => {
      const host = 'ingress.test';
      const canary = (weight: number): object =>
        ingress('canary', host, 'canary', {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': String(weight)
        });
      await apply([ingress('stable', host, 'stable'), canary(0)]);
      await eventually(async () => expect(await countAnswers(host, 20)).toEqual({ stable: 20 }));
      await apply([canary(100)]);
      await eventually(async () => expect(await countAnswers(host, 20)).toEqual({ canary: 20 }));
      await apply([canary(50)]);
      // Both arms answer once Traefik has the new weight; then a fresh sample is counted.
      await eventually(async () =>
        expect(Object.keys(await countAnswers(host, 20)).sort()).toEqual(['canary', 'stable'])
      );
      const split = await countAnswers(host, 200);
      expect(Object.keys(split).sort()).toEqual(['canary', 'stable']);
      expect(split.canary).toBeGreaterThan(50);
      expect(split.canary).toBeLessThan(150);
    });

    test('Traefik routes an HTTPRoute by its backendRef weights', async () => {
      const host = 'gateway.test';
      await apply([httpRoute(host, { stable: 1, canary: 0 })]);
      await eventually(async () => expect(await countAnswers(host, 20)).toEqual({ stable: 20 }));
      await apply([httpRoute(host, { stable: 0, canary: 1 })]);
      await eventually(async () => expect(await countAnswers(host, 20)).toEqual({ canary: 20 }));
      await apply([httpRoute(host, { stable: 1, canary: 1 })]);
      await eventually(async () => {
        const split = await countAnswers(host, 100);
        expect(Object.keys(split).sort()).toEqual(['canary', 'stable']);
      });
    });

    test('Prometheus discovers pods through the API server and scrapes Traefik', async () => {
      const targets = await eventually(async () => {
        const answer = await fetch(`${sandbox.info.prometheus}/api/v1/targets?state=active`);
        const body = (await answer.json()) as {
          data: { activeTargets: { labels: Record<string, string>; health: string }[] };
        };
        const traefik = body.data.activeTargets.find((t) => t.labels.job === 'traefik');
        expect(traefik?.health).toBe('up');
        return body.data.activeTargets;
      });
      expect(targets.some((t) => t.labels.job === 'traefik')).toBe(true);
      const query = await eventually(async () => {
        const answer = await fetch(
          `${sandbox.info.prometheus}/api/v1/query?query=${encodeURIComponent('sum(traefik_service_requests_total)')}`
        );
        const body = (await answer.json()) as { data: { result: { value: [number, string] }[] } };
        expect(body.data.result).toHaveLength(1);
        return Number(body.data.result[0].value[1]);
      });
      expect(query).toBeGreaterThan(0);
    });

    test("real Helm installs charts/storefront and podinfo's chart with --wait; Prometheus labels the storefront pods", async () => {
      await helm([
        'install',
        'storefront',
        storefrontChart,
        '--namespace',
        'default',
        '--wait',
        '--timeout',
        '120s'
      ]);
      await helm([
        'install',
        'podinfo',
        manifest.podinfoChart,
        '--namespace',
        'default',
        '--wait',
        '--timeout',
        '120s'
      ]);
      const status = JSON.parse(await helm(['status', 'storefront', '-o', 'json'])) as {
        info: { status: string };
      };
      expect(status.info.status).toBe('deployed');
      const deployment = JSON.parse(await kubectl(['get', 'deployment', 'podinfo', '-o', 'json'])) as {
        status: { readyReplicas?: number };
      };
      expect(deployment.status.readyReplicas).toBeGreaterThan(0);
      const pods = JSON.parse(await kubectl(['get', 'pods', '-l', 'release=storefront', '-o', 'json'])) as {
        items: { metadata: { name: string } }[];
      };
      expect(pods.items.length).toBeGreaterThan(0);
      const labelled = await eventually(async () => {
        const answer = await fetch(
          `${sandbox.info.prometheus}/api/v1/query?query=${encodeURIComponent('up{job="storefront-pods"}')}`
        );
        const body = (await answer.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        expect(body.data.result.map((r) => r.metric.pod).sort()).toEqual(
          pods.items.map((p) => p.metadata.name).sort()
        );
        expect(body.data.result.every((r) => r.value[1] === '1')).toBe(true);
        return body.data.result;
      }, 90_000);
      for (const series of labelled)
        expect(series.metric).toMatchObject({ namespace: 'default', release: 'storefront', track: 'stable' });
    });

    test("the garbage collector removes a deleted Deployment's ReplicaSet and pods", async () => {
      const labels = { app: 'gc-probe' };
      const container = { name: 'app', image: 'example.com/unknown:1', ports: [{ containerPort: 8080 }] };
      await apply([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'gc-probe', namespace: 'default' },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [container] } }
          }
        }
      ]);
      await kubectl(['rollout', 'status', 'deployment/gc-probe', '--timeout=60s']);
      expect(await kubectl(['get', 'replicasets,pods', '-l', 'app=gc-probe', '-o', 'name'])).toMatch(
        /replicaset/
      );
      await kubectl(['delete', 'deployment', 'gc-probe', '--wait=false']);
      await eventually(
        async () =>
          expect(await kubectl(['get', 'replicasets,pods', '-l', 'app=gc-probe', '-o', 'name'])).toBe(''),
        90_000
      );
    });
  }
);
