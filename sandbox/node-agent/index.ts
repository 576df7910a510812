// The sandbox's node agent: plays the kubelet for one Node. It registers the Node and keeps its
// Lease, watches the Pods bound to it, runs each pod's containers as local processes in a network
// namespace of the pod's own, probes them, reports their status, and stops them on deletion.
// See docs/sandbox.md ("The node agent").
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ListWatch, Watch, type V1Pod } from '@kubernetes/client-node';
import { register, unregister } from './agent-registry.js';
import { eventRecorder } from './events.js';
import type { EntryPoints } from './images.js';
import { kubeClients } from './kube.js';
import { startKubeletApi } from './kubelet-api.js';
import { envLookups, podApi } from './pod-api.js';
import { readAgentManifest } from './manifest.js';
import { linkNames, netnsNames, NodeNetwork } from './network.js';
import { PREFIX, randomAgentId } from './names.js';
import { NodeRegistration } from './node-registration.js';
import { parsePodCidr, PodIpAllocator } from './pod-cidr.js';
import { podKey, PodWorker } from './pod-worker.js';
import { startGatewayProxy, ingressPortOf, type GatewayProxy } from './gateway-proxy.js';
import { pollRoutedHosts } from './routed-hosts.js';
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from '../control-plane/traefik-config.js';

export { cleanupStale } from './network.js';

export interface NodeAgentOptions {
  kubeconfig: string;
  nodeName: string;
  stateDir: string;
  podCidr: string;
  manifestPath: string;
}

export interface NodeAgent {
  stop(): Promise<void>;
}

const here = import.meta.dirname;
const repoRoot = path.resolve(here, '..', '..');
const WATCH_RETRY_MS = 1000;
const SHUTDOWN_GRACE_MS = 5000;

function entryPoints(podinfo: string | undefined, podcli: string | undefined): EntryPoints {
  const tsxLoader = createRequire(import.meta.url).resolve('tsx');
  return {
    storefrontServer: path.join(repoRoot, 'app', 'storefront', 'src', 'server.js'),
    catalogueServer: path.join(repoRoot, 'app', 'catalogue', 'src', 'server.js'),
    podinfo,
    podcli,
    standIn: [process.execPath, '--import', tsxLoader, path.join(here, 'stand-in-server.ts')],
    nodeBinary: process.execPath
  };
}

export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const { kubeconfig, nodeName, stateDir, manifestPath } = options;
  // Everything that can be refused is checked before anything is made.
  const block = parsePodCidr(options.podCidr);
  const manifest = readAgentManifest(manifestPath);
  if (!fs.existsSync(kubeconfig)) throw new Error(`kubeconfig ${kubeconfig}: file not found`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(nodeName))
    throw new Error(`nodeName ${JSON.stringify(nodeName)}: expected a DNS subdomain name`);
  fs.mkdirSync(stateDir, { recursive: true });
  const agentLog = path.join(stateDir, 'node-agent.log');
  const log = (message: string) => fs.appendFileSync(agentLog, `${new Date().toISOString()} ${message}\n`);
  const clients = kubeClients(kubeconfig);
  const version = await clients.version.getCode();

  const [links, namespaces] = await Promise.all([linkNames(), netnsNames()]);
  const taken = new Set(
    [...links, ...namespaces]
      .filter((n) => n.startsWith(PREFIX))
      .map((n) => n.slice(PREFIX.length, PREFIX.length + 2))
  );
  const agentId = register((id) => taken.has(id), randomAgentId, { nodeName, podCidr: block.cidr, stateDir });
  let network: NodeNetwork | undefined;
  let registration: NodeRegistration | undefined;
  try {
    network = await NodeNetwork.create(agentId, block);
    registration = new NodeRegistration(
      clients,
      {
        nodeName,
        podCidr: block.cidr,
        internalIP: block.gateway,
        stateDir,
        kubeletVersion: `${manifest.kubernetesVersion ?? version.gitVersion}-sandbox`
      },
      log
    );
    await registration.register();
  } catch (error) {
    registration?.stop();
    await network?.destroy();
    unregister(agentId);
    throw error;
  }
  log(
    `node ${nodeName} registered: agent ${agentId}, bridge ${network.bridge} ${block.gateway}/${block.prefixLength}`
  );

  const deps = {
    network,
    allocator: new PodIpAllocator(block),
    entryPoints: entryPoints(manifest.podinfo, manifest.podcli),
    lookups: envLookups(clients),
    api: podApi(clients),
    hostIP: block.gateway,
    stateDir,
    log,
    recordEvent: eventRecorder(clients, nodeName, log)
  };
  const workers = new Map<string, PodWorker>();
  let stopping = false;

  const onPod = (pod: V1Pod) => {
    if (stopping) return;
    const key = podKey(pod);
    const worker = workers.get(key);
    if (worker && worker.uid === pod.metadata?.uid) {
      worker.update(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return; // ran before this agent; nothing to run
    if (pod.metadata?.deletionTimestamp) {
      // Left by an earlier agent: nothing of it runs here any more, so it can go at once.
      void deps.api.deleteNow(
        pod.metadata.namespace ?? 'default',
        pod.metadata.name ?? '',
        pod.metadata.uid ?? ''
      );
      return;
    }
    const fresh = new PodWorker(pod, deps);
    workers.set(key, fresh);
    void fresh.start();
  };
  const onPodGone = (pod: V1Pod) => {
    const key = podKey(pod);
    const worker = workers.get(key);
    if (!worker || worker.uid !== pod.metadata?.uid) return;
    void worker.terminate(false).finally(() => {
      if (workers.get(key) === worker) workers.delete(key);
    });
  };

  const informer = new ListWatch<V1Pod>(
    '/api/v1/pods',
    new Watch(clients.config),
    () => clients.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` }),
    false,
    undefined,
    `spec.nodeName=${nodeName}`
  );
  informer.on('add', onPod);
  informer.on('update', onPod);
  informer.on('delete', onPodGone);
  informer.on('error', (error) => {
    if (stopping) return;
    log(`pod watch failed, restarting: ${(error as Error)?.message ?? error}`);
    setTimeout(() => void informer.start(), WATCH_RETRY_MS);
  });
  await informer.start();

  // Names in pods (docs/sandbox.md): routed hosts resolve to the bridge address, where the gateway
  // proxy forwards to Traefik. Without the proxy (port taken) pods still run; their calls to routed
  // hosts then fail, which the log says.
  const routedHosts = pollRoutedHosts(
    clients.config,
    (hosts) => {
      if (network.hosts.setNames(hosts)) log(`pods' hosts files: ${hosts.length} routed host(s)`);
    },
    log
  );
  const gatewayProxy: GatewayProxy | undefined = await startGatewayProxy({
    host: block.gateway,
    ingressPort: () => ingressPortOf(clients.config, { namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME }),
    log
  }).catch((error: Error) => {
    log(`gateway proxy on ${block.gateway} not served: ${error.message}`);
    return undefined;
  });

  const kubeletApi = await startKubeletApi({
    host: block.gateway,
    tlsDir: path.join(stateDir, 'kubelet-tls'),
    findContainerLog: (namespace, pod, container, previous) =>
      workers.get(`${namespace}/${pod}`)?.containerLog(container, previous)
  }).catch((error: Error) => {
    log(`kubelet API (kubectl logs) not served: ${error.message}`);
    return undefined;
  });

  // If the process exits without stop() (an uncaught error, process.exit), the pods die with it and
  // their namespaces go; a SIGKILL leaves them to cleanupStale() of the next run.
  const onExit = () => {
    for (const worker of workers.values()) worker.killNowSync();
    network.destroySync();
    unregister(agentId);
  };
  process.once('exit', onExit);

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        process.off('exit', onExit);
        await informer.stop();
        registration.stop();
        routedHosts.stop();
        await gatewayProxy?.close();
        await kubeletApi?.close();
        await Promise.all([...workers.values()].map((w) => w.shutdown(SHUTDOWN_GRACE_MS)));
        await network.destroy();
        unregister(agentId);
        log(`node agent ${agentId} stopped`);
      })();
      return stopped;
    }
  };
}
