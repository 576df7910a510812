// The node agent against a real control plane (etcd, kube-apiserver, controller manager, scheduler):
// a Deployment's pods become Ready with real pod IPs in EndpointSlices and answer from the host,
// each in its own network namespace with the env its spec asks for; an unknown image gets the
// stand-in; deleting a pod stops its process gracefully; a crashing container restarts with
// back-off; stop() removes every namespace and link. Every assertion reads the API or the kernel.
//
// The control plane comes from `npm run sandbox:build` (startCluster without its own agent), or from
// NODE_AGENT_TEST_KUBECONFIG: a running control plane without a Node. Without either it is skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  type V1Deployment,
  type V1Pod
} from '@kubernetes/client-node';
import { cleanupStale, startNodeAgent } from '../../sandbox/node-agent/index.js';
import { REGISTRY_DIR } from '../../sandbox/node-agent/agent-registry.js';
import { linkNames, netnsNames } from '../../sandbox/node-agent/network.js';
import { runCommand } from '../../sandbox/node-agent/run-command.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtManifest = path.join(repoRoot, '.tools', 'sandbox', 'manifest.json');
const externalKubeconfig = process.env.NODE_AGENT_TEST_KUBECONFIG;
const canRun = process.getuid?.() === 0 && (Boolean(externalKubeconfig) || fs.existsSync(builtManifest));
const describeIfCluster = canRun ? describe : describe.skip;
if (!canRun)
  console.warn(
    'node-agent integration test skipped: needs root and `npm run sandbox:build` (or NODE_AGENT_TEST_KUBECONFIG)'
  );

// Each step waits on the cluster (pods start, a crash loop takes 30 s); the default 30 s is too short.
const STEP_TIMEOUT_MS = 180_000;

const suffix = Math.random().toString(36).slice(2, 7);
const nodeName = `agent-test-${suffix}`;
const namespace = `agent-test-${suffix}`;
// A /24 no other sandbox on this machine is likely to use (the agent refuses an overlapping one).
const podCidr = `10.250.${10 + Math.floor(Math.random() * 240)}.0/24`;

let stateDir: string;
let stopCluster: (() => Promise<void>) | undefined;
let agent: { stop(): Promise<void> } | undefined;
let core: CoreV1Api;
let apps: AppsV1Api;
let coordination: CoordinationV1Api;
let discovery: DiscoveryV1Api;
let networking: NetworkingV1Api;
// Only this agent's Node: a control plane from NODE_AGENT_TEST_KUBECONFIG may have others.
const nodeSelector = { 'kubernetes.io/hostname': nodeName };
const gateway = podCidr.replace(/0\/24$/, '1');

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function startControlPlane(): Promise<string> {
  if (externalKubeconfig) return externalKubeconfig;
  // Loaded by path at run time: the control plane is the cluster half of the sandbox.
  const clusterModule: string = path.join(repoRoot, 'sandbox', 'control-plane', 'cluster.ts');
  const manifestModule: string = path.join(repoRoot, 'sandbox', 'build', 'manifest.ts');
  const { startCluster } = await import(clusterModule);
  const { readManifest } = await import(manifestModule);
  const cluster = await startCluster(
    {
      stateDir: path.join(stateDir, 'cluster'),
      manifest: readManifest(builtManifest),
      manifestPath: builtManifest,
      nodeName,
      podCidr,
      withAgent: false,
      scrapeIntervalSeconds: 5,
      log: () => undefined
    },
    STEP_TIMEOUT_MS
  );
  stopCluster = () => cluster.stop();
  return cluster.info.kubeconfig as string;
}

function manifestForAgent(): string {
  if (fs.existsSync(builtManifest)) return builtManifest;
  const file = path.join(stateDir, 'manifest.json');
  fs.writeFileSync(file, JSON.stringify({ binaries: {} }));
  return file;
}

function storefront(name: string, env: { name: string; value: string }[], replicas: number): V1Deployment {
  return {
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          nodeSelector,
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: 'storefront',
              image: 'upcommerce/storefront:1.2.3',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'HOST', value: '0.0.0.0' },
                { name: 'APP_VERSION', value: '1.2.3' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'CART_SECRET', valueFrom: { secretKeyRef: { name: 'cart', key: 'key' } } },
                ...env
              ],
              envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'SETTING_' }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } }
            }
          ]
        }
      }
    }
  };
}

async function podsOf(app: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
}

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function environOf(pid: number): Record<string, string> {
  const raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])
  );
}

/** This agent's id, from its registration (another sandbox's agent may run beside it). */
function ourAgentId(): string {
  const registration = fs
    .readdirSync(REGISTRY_DIR)
    .find(
      (file) => JSON.parse(fs.readFileSync(path.join(REGISTRY_DIR, file), 'utf8')).nodeName === nodeName
    )!;
  return registration.replace(/\.json$/, '');
}

const pidOf = (pod: V1Pod) =>
  Number(pod.status?.containerStatuses?.[0]?.containerID?.replace('sandbox://', ''));

describeIfCluster('node agent against a real control plane', () => {
  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-agent-test-'));
    await cleanupStale();
    const kubeconfig = await startControlPlane();
    agent = await startNodeAgent({
      kubeconfig,
      nodeName,
      stateDir: path.join(stateDir, 'agent'),
      podCidr,
      manifestPath: manifestForAgent()
    });
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    core = config.makeApiClient(CoreV1Api);
    apps = config.makeApiClient(AppsV1Api);
    coordination = config.makeApiClient(CoordinationV1Api);
    discovery = config.makeApiClient(DiscoveryV1Api);
    networking = config.makeApiClient(NetworkingV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await until('the default service account', () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace })
    );
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'settings' }, data: { LEVEL: 'debug' } }
    });
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'cart' }, stringData: { key: 'a-cart-secret-of-32-characters!!' } }
    });
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core?.deleteNode({ name: nodeName }).catch(() => undefined);
    await agent?.stop();
    await stopCluster?.();
  }, STEP_TIMEOUT_MS);

  it(
    'registers a Ready, untainted Node with the pod CIDR and keeps its Lease',
    async () => {
      const node = await core.readNode({ name: nodeName });
      expect(node.spec?.podCIDR).toBe(podCidr);
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(node.status?.addresses).toEqual([{ type: 'InternalIP', address: gateway }]);
      // The API server's admission taints every new Node not-ready; the node lifecycle controller lifts
      // it once it sees Ready, and puts nothing back while the Lease is renewed.
      await until('the not-ready taint lifted', async () => {
        const again = await core.readNode({ name: nodeName });
        return (again.spec?.taints ?? []).length === 0 ? true : undefined;
      });
      const lease = await coordination.readNamespacedLease({ name: nodeName, namespace: 'kube-node-lease' });
      expect(lease.spec?.holderIdentity).toBe(nodeName);
      const renewed = new Date(lease.spec!.renewTime as unknown as string).getTime();
      const later = await until(
        'a renewed Lease',
        async () => {
          const again = await coordination.readNamespacedLease({
            name: nodeName,
            namespace: 'kube-node-lease'
          });
          const at = new Date(again.spec!.renewTime as unknown as string).getTime();
          return at > renewed ? at : undefined;
        },
        30_000
      );
      expect(later).toBeGreaterThan(renewed);
      expect((await core.readNode({ name: nodeName })).spec?.taints ?? []).toEqual([]);
    },
    STEP_TIMEOUT_MS
  );

  it(
    "runs a Deployment's pods Ready on real pod IPs that EndpointSlices carry and the host reaches",
    async () => {
      await apps.createNamespacedDeployment({ namespace, body: storefront('shop', [], 2) });
      await core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: 'shop' },
          spec: { selector: { app: 'shop' }, ports: [{ port: 80, targetPort: 'http' }] }
        }
      });
      const pods = await until('2 Ready shop pods', async () => {
        const list = await podsOf('shop');
        return list.length === 2 && list.every(isReady) ? list : undefined;
      });
      const ips = pods.map((p) => p.status?.podIP ?? '');
      expect(new Set(ips).size).toBe(2);
      for (const ip of ips) expect(ip.startsWith(gateway.replace(/\.1$/, '.'))).toBe(true);
      expect(pods.every((p) => p.status?.hostIP === gateway && p.status?.phase === 'Running')).toBe(true);

      const slices = await until('an EndpointSlice with both pod IPs ready', async () => {
        const list = await discovery.listNamespacedEndpointSlice({
          namespace,
          labelSelector: 'kubernetes.io/service-name=shop'
        });
        const ready = list.items.flatMap((s) =>
          s.endpoints.filter((e) => e.conditions?.ready).flatMap((e) => e.addresses)
        );
        return ready.length === 2 ? ready : undefined;
      });
      expect([...slices].sort()).toEqual([...ips].sort());

      for (const ip of ips) {
        const answer = await fetch(`http://${ip}:8080/readyz`);
        expect(answer.status).toBe(200);
      }

      // Each pod in a namespace of its own; the process sees the env its spec asked for, and no host env.
      const names = await netnsNames();
      const pod = pods[0];
      const env = environOf(pidOf(pod));
      expect(env).toMatchObject({
        PORT: '8080',
        HOST: '0.0.0.0',
        POD_NAME: pod.metadata?.name,
        CART_SECRET: 'a-cart-secret-of-32-characters!!',
        SETTING_LEVEL: 'debug',
        HOSTNAME: pod.metadata?.name
      });
      expect(env.NODE_AGENT_TEST_KUBECONFIG).toBeUndefined();
      // `kubectl logs --tail 1` through the API server.
      const logs = await core.readNamespacedPodLog({
        name: pod.metadata!.name!,
        namespace,
        container: 'storefront',
        tailLines: 1
      });
      expect(logs.trim().split('\n')).toHaveLength(1);
      expect(logs).toContain('"msg":"ready"');
      const netnsOfPid = fs.readlinkSync(`/proc/${pidOf(pod)}/ns/net`);
      expect(netnsOfPid).not.toBe(fs.readlinkSync('/proc/self/ns/net'));
      expect(names.filter((n) => n.startsWith('sandbox-')).length).toBeGreaterThanOrEqual(2);
    },
    STEP_TIMEOUT_MS
  );

  it(
    'stops a deleted pod gracefully: preStop, SIGTERM, exit, then the pod is gone from the API',
    async () => {
      const [pod] = await podsOf('shop');
      const pid = pidOf(pod);
      const uid = pod.metadata!.uid!;
      await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace });
      await until('the pod gone from the API', async () => {
        const list = await podsOf('shop');
        return list.some((p) => p.metadata?.uid === uid) ? undefined : true;
      });
      expect(() => process.kill(pid, 0)).toThrow();
      const log = fs.readFileSync(
        path.join(
          stateDir,
          'agent',
          'pods',
          `${namespace}_${pod.metadata!.name}_${uid}`,
          'storefront',
          '0.log'
        ),
        'utf8'
      );
      expect(log).toContain('SIGTERM: shutting down');
      expect(log).toMatch(/"msg":"stopped","forced":false/);
      await until('a replacement Ready', async () => {
        const list = await podsOf('shop');
        return list.length === 2 && list.every(isReady) ? true : undefined;
      });
    },
    STEP_TIMEOUT_MS
  );

  it(
    'sends SIGKILL when the grace period is over and the process has not exited',
    async () => {
      // The storefront keeps serving for SHUTDOWN_DRAIN_MS after SIGTERM: 30 s, far past the 2 s grace.
      const stubborn = storefront('stubborn', [{ name: 'SHUTDOWN_DRAIN_MS', value: '30000' }], 1);
      stubborn.spec!.template.spec!.terminationGracePeriodSeconds = 2;
      await apps.createNamespacedDeployment({ namespace, body: stubborn });
      const [pod] = await until('a Ready stubborn pod', async () => {
        const list = await podsOf('stubborn');
        return list.length === 1 && isReady(list[0]) ? list : undefined;
      });
      const pid = pidOf(pod);
      const deletedAt = Date.now();
      await apps.deleteNamespacedDeployment({ name: 'stubborn', namespace });
      await until('the stubborn pod gone from the API', async () =>
        (await podsOf('stubborn')).length === 0 ? true : undefined
      );
      // preStop (1 s of the 2 s), then SIGTERM with the 2 s the kubelet leaves, then SIGKILL: not 30 s.
      expect(Date.now() - deletedAt).toBeLessThan(15_000);
      expect(() => process.kill(pid, 0)).toThrow();
      const log = fs.readFileSync(
        path.join(
          stateDir,
          'agent',
          'pods',
          `${namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`,
          'storefront',
          '0.log'
        ),
        'utf8'
      );
      expect(log).toContain('SIGTERM: shutting down');
      expect(log).not.toContain('"msg":"stopped"');
    },
    STEP_TIMEOUT_MS
  );

  it(
    'runs the stand-in for an unknown image: Ready on its probe path, /metrics served',
    async () => {
      await apps.createNamespacedDeployment({
        namespace,
        body: {
          metadata: { name: 'cache' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'cache' } },
            template: {
              metadata: { labels: { app: 'cache' } },
              spec: {
                containers: [
                  {
                    name: 'redis',
                    image: 'bitnami/redis:7.4',
                    ports: [{ containerPort: 6379 }, { name: 'metrics', containerPort: 9121 }],
                    readinessProbe: { tcpSocket: { port: 6379 }, periodSeconds: 1 },
                    livenessProbe: { httpGet: { path: '/health', port: 'metrics' } }
                  }
                ]
              }
            }
          }
        }
      });
      const [pod] = await until('a Ready cache pod', async () => {
        const list = await podsOf('cache');
        return list.length === 1 && isReady(list[0]) ? list : undefined;
      });
      const metrics = await fetch(`http://${pod.status!.podIP}:9121/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('sandbox_stand_in_requests_total');
    },
    STEP_TIMEOUT_MS
  );

  it(
    'holds a container whose Secret is missing in CreateContainerConfigError, and starts it once the Secret exists',
    async () => {
      const late = storefront('late', [], 1);
      const container = late.spec!.template.spec!.containers[0];
      container.env = container.env!.map((e) =>
        e.name === 'CART_SECRET'
          ? { name: 'CART_SECRET', valueFrom: { secretKeyRef: { name: 'late-secret', key: 'key' } } }
          : e
      );
      await apps.createNamespacedDeployment({ namespace, body: late });
      const waiting = await until('CreateContainerConfigError', async () => {
        const [pod] = await podsOf('late');
        const state = pod?.status?.containerStatuses?.[0]?.state?.waiting;
        return state?.reason === 'CreateContainerConfigError' ? state : undefined;
      });
      expect(waiting.message).toBe('secret "late-secret" not found (env CART_SECRET)');
      await core.createNamespacedSecret({
        namespace,
        body: { metadata: { name: 'late-secret' }, stringData: { key: 'another-cart-secret-of-32-chars!' } }
      });
      const [pod] = await until('the late pod Ready', async () => {
        const list = await podsOf('late');
        return list.length === 1 && isReady(list[0]) ? list : undefined;
      });
      expect(environOf(pidOf(pod)).CART_SECRET).toBe('another-cart-secret-of-32-chars!');
    },
    STEP_TIMEOUT_MS
  );

  it(
    'completes a run-to-completion pod of an unknown image: Succeeded, exit 0, its namespace removed',
    async () => {
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'hook', labels: { app: 'hook' } },
          spec: {
            nodeSelector,
            restartPolicy: 'Never',
            containers: [{ name: 'curl', image: 'curlimages/curl:8.10.1', command: ['curl', 'http://x'] }]
          }
        }
      });
      const pod = await until('the hook pod Succeeded', async () => {
        const [found] = await podsOf('hook');
        return found?.status?.phase === 'Succeeded' ? found : undefined;
      });
      expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
        exitCode: 0,
        reason: 'Completed'
      });
      const ip = pod.status!.podIP!;
      const offset = Number(ip.split('.')[3]).toString(36);
      await until('its namespace removed', async () =>
        (await netnsNames()).includes(`sandbox-${ourAgentId()}-${offset}`) ? undefined : true
      );
    },
    STEP_TIMEOUT_MS
  );

  it(
    'restarts a crashing container with CrashLoopBackOff delays',
    async () => {
      await apps.createNamespacedDeployment({
        namespace,
        body: storefront('crash', [{ name: 'FAULT_CRASH_AFTER_SECONDS', value: '1' }], 1)
      });
      const status = await until(
        'a second restart',
        async () => {
          const [pod] = await podsOf('crash');
          const container = pod?.status?.containerStatuses?.[0];
          return container && container.restartCount >= 2 ? container : undefined;
        },
        90_000
      );
      expect(status.lastState?.terminated?.exitCode).toBe(1);
      const [pod] = await podsOf('crash');
      const waiting = await until('the crash loop back-off state', async () => {
        const [again] = await podsOf('crash');
        const state = again.status?.containerStatuses?.[0]?.state;
        return state?.waiting?.reason === 'CrashLoopBackOff' ? state.waiting : undefined;
      });
      expect(waiting.message).toMatch(/back-off (20|40)s restarting failed container=storefront/);
      // By the storefront's own log lines: the second start came at least the first back-off (10 s) after the first crash.
      const logs = path.join(
        stateDir,
        'agent',
        'pods',
        `${namespace}_${pod.metadata!.name}_${pod.metadata!.uid}`,
        'storefront'
      );
      const timeOf = (file: string, message: string) => {
        const line = fs
          .readFileSync(path.join(logs, file), 'utf8')
          .split('\n')
          .find((l) => l.includes(message));
        return new Date((JSON.parse(line!) as { time: string }).time).getTime();
      };
      const gap = timeOf('1.log', '"listening"') - timeOf('0.log', 'crashing on purpose');
      expect(gap).toBeGreaterThanOrEqual(9_500);
      // `kubectl logs --previous` through the API server, served by the agent's kubelet API.
      const previous = await core.readNamespacedPodLog({
        name: pod.metadata!.name!,
        namespace,
        container: 'storefront',
        previous: true
      });
      expect(previous).toContain('crashing on purpose');
      // And `kubectl describe` would say so: the agent's Events for the pod.
      const events = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.uid=${pod.metadata!.uid}`
      });
      const reasons = events.items.filter((e) => e.source?.host === nodeName).map((e) => e.reason);
      expect(reasons).toEqual(expect.arrayContaining(['Started', 'BackOff']));
    },
    STEP_TIMEOUT_MS
  );

  it(
    "resolves the cluster's Ingress hosts in a pod to the gateway address, and removes the pod's hosts file with it",
    async () => {
      await apps.createNamespacedDeployment({ namespace, body: storefront('names', [], 1) });
      const pod = await until('the names pod Ready', async () => {
        const [found] = await podsOf('names');
        return found && isReady(found) ? found : undefined;
      });
      const netns = `sandbox-${ourAgentId()}-${Number(pod.status!.podIP!.split('.')[3]).toString(36)}`;
      await networking.createNamespacedIngress({
        namespace,
        body: {
          metadata: { name: 'names' },
          spec: {
            rules: [
              {
                host: 'names-test.example.com',
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: 'names', port: { number: 80 } } }
                    }
                  ]
                }
              }
            ]
          }
        }
      });
      // As the pod's processes see it: `ip netns exec` mounts /etc/netns/<netns>/hosts over /etc/hosts.
      const resolved = await until('the Ingress host resolving in the pod', async () => {
        const { stdout } = await runCommand([
          'ip',
          'netns',
          'exec',
          netns,
          'getent',
          'hosts',
          'names-test.example.com'
        ]);
        return stdout.trim() || undefined;
      });
      expect(resolved.split(/\s+/)).toEqual([gateway, 'names-test.example.com']);
      await apps.deleteNamespacedDeployment({ name: 'names', namespace });
      await until('its hosts file removed with its namespace', async () =>
        fs.existsSync(path.join('/etc/netns', netns)) ? undefined : true
      );
    },
    STEP_TIMEOUT_MS
  );

  it(
    'stop() removes every namespace and link it made and kills the pods',
    async () => {
      const pids = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` })).items
        .map(pidOf)
        .filter((p) => p > 0);
      expect(pids.length).toBeGreaterThan(0);
      const agentId = ourAgentId();
      const ours = (name: string) => name.startsWith(`sandbox-${agentId}`);
      expect((await linkNames()).filter(ours)).toContain(`sandbox-${agentId}br`);
      await agent!.stop();
      agent = undefined;
      expect((await linkNames()).filter(ours)).toEqual([]);
      expect((await netnsNames()).filter(ours)).toEqual([]);
      expect(fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns').filter(ours) : []).toEqual([]);
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    },
    STEP_TIMEOUT_MS
  );
});
