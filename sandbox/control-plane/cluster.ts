// Starts the sandbox cluster as local processes, in dependency order, each awaited until it answers:
// etcd -> kube-apiserver -> controller manager, scheduler, CRDs -> Traefik, Prometheus -> node agent.
// Stops them in reverse order. Everything it writes goes to the state dir.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SandboxManifest } from '../build/manifest.js';
import {
  KUBERNETES_SERVICE_IP,
  apiServerArgs,
  controllerManagerArgs,
  etcdArgs,
  schedulerArgs,
  writeAuditPolicy,
  type Ports
} from './components.js';
import { prometheusArgs, prometheusConfig, writePrometheusConfig } from './prometheus-config.js';
import {
  GATEWAY_NAME,
  GATEWAY_NAMESPACE,
  routingObjects,
  traefikArgs,
  writeTraefikConfig
} from './traefik-config.js';
import { freePorts } from './free-ports.js';
import { answers, httpGet, type TlsIdentity } from './kube-http.js';
import { Kubectl } from './kubectl.js';
import { writeKubeconfig } from './kubeconfig.js';
import { loadNodeAgent, type NodeAgent } from './node-agent-port.js';
import { createPki } from './pki.js';
import { ManagedProcess } from './process.js';
import { waitUntil } from './wait.js';

export interface ClusterOptions {
  readonly stateDir: string;
  readonly manifest: SandboxManifest;
  readonly manifestPath: string;
  readonly nodeName: string;
  readonly podCidr: string;
  /** false: control plane only, no Node (for the node agent's own tests). */
  readonly withAgent: boolean;
  readonly scrapeIntervalSeconds: number;
  readonly log: (line: string) => void;
}

/** What `sandbox up --json` prints (the first five fields are the CLI contract). */
export interface ClusterInfo {
  readonly kubeconfig: string;
  readonly ingress: string;
  readonly prometheus: string;
  readonly stateDir: string;
  readonly kubernetesVersion: string;
  readonly nodeName: string | null;
  readonly auditLog: string;
  /** A kubeconfig for the action alone: user ACTION_USER in the audit log. */
  readonly actionKubeconfig?: string;
  readonly ports: Ports;
}

export interface RunningCluster {
  readonly info: ClusterInfo;
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 90_000;

/** The user name the API server (and its audit log) sees for the action's requests. */
export const ACTION_USER = 'canary-action';

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { stateDir, manifest, log } = options;
  const bin = manifest.binaries;
  const logsDir = path.join(stateDir, 'logs');
  // A fresh cluster each time: an old audit log or etcd data would mislead whoever reads them.
  for (const entry of ['etcd', 'prometheus', 'pki', 'node-agent', 'audit.log'])
    rmSync(path.join(stateDir, entry), { recursive: true, force: true });
  mkdirSync(logsDir, { recursive: true });

  const [etcdClient, etcdPeer, apiServer, controllerManager, scheduler, ingress, traefikMetrics, prometheus] =
    await freePorts(8);
  const ports: Ports = {
    etcdClient,
    etcdPeer,
    apiServer,
    controllerManager,
    scheduler,
    ingress,
    traefikMetrics,
    prometheus
  };
  const server = `https://127.0.0.1:${ports.apiServer}`;

  const processes: ManagedProcess[] = [];
  let agent: NodeAgent | undefined;
  const stop = async (): Promise<void> => {
    if (agent) await agent.stop().catch((error: unknown) => log(`node agent stop failed: ${String(error)}`));
    agent = undefined;
    for (const child of [...processes].reverse()) await child.stop();
  };
  const start = (name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): ManagedProcess => {
    const child = ManagedProcess.start({
      name,
      command,
      args,
      env,
      logFile: path.join(logsDir, `${name}.log`)
    });
    processes.push(child);
    return child;
  };
  const deadOne = (): string | undefined => processes.find((p) => !p.running)?.describeExit();
  const waitFor = (what: string, check: () => Promise<string | undefined>): Promise<void> =>
    waitUntil(check, { what, timeoutMs: START_TIMEOUT_MS, abortIf: deadOne });

  try {
    log('certificates');
    const pki = await createPki({
      dir: path.join(stateDir, 'pki'),
      apiServerNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
      apiServerIps: ['127.0.0.1', KUBERNETES_SERVICE_IP],
      clients: [
        // The admin identity: users, Helm, the node agent, Traefik and Prometheus (the sandbox does not
        // test their RBAC; the API server still authorizes every request).
        { file: 'admin', commonName: 'sandbox-admin', organizations: ['system:masters'] },
        // The action's own identity (demo and e2e runs of the action use it), so the audit log tells
        // its writes apart from the demo's Helm, the node agent's, Traefik's and Prometheus's.
        { file: 'action', commonName: ACTION_USER, organizations: ['system:masters'] },
        { file: 'controller-manager', commonName: 'system:kube-controller-manager', organizations: [] },
        { file: 'scheduler', commonName: 'system:kube-scheduler', organizations: [] }
      ]
    });
    const kubeconfigFor = (identity: string, file: string): string =>
      writeKubeconfig({
        file: path.join(stateDir, file),
        server,
        caCert: pki.caCert,
        client: pki.clients[identity],
        user: identity
      });
    const kubeconfig = kubeconfigFor('admin', 'kubeconfig');
    const actionKubeconfig = kubeconfigFor('action', 'action.kubeconfig');
    const admin: TlsIdentity = { caCert: pki.caCert, client: pki.clients.admin };
    const kubectl = new Kubectl(bin.kubectl, kubeconfig);

    log(`etcd on 127.0.0.1:${ports.etcdClient}`);
    start('etcd', bin.etcd, etcdArgs(path.join(stateDir, 'etcd'), ports));
    await waitFor('etcd', () => answers(`http://127.0.0.1:${ports.etcdClient}/health`, 200));

    log(`kube-apiserver on ${server}`);
    const auditLog = path.join(stateDir, 'audit.log');
    const auditPolicy = writeAuditPolicy(path.join(stateDir, 'audit-policy.yaml'));
    start('kube-apiserver', bin['kube-apiserver'], apiServerArgs({ pki, auditPolicy, auditLog }, ports));
    await waitFor('kube-apiserver /readyz', () => answers(`${server}/readyz`, 200, admin));
    const version = JSON.parse((await httpGet(`${server}/version`, admin)).body) as { gitVersion: string };

    log('kube-controller-manager, kube-scheduler, CRDs');
    start(
      'kube-controller-manager',
      bin['kube-controller-manager'],
      controllerManagerArgs(kubeconfigFor('controller-manager', 'controller-manager.kubeconfig'), pki, ports)
    );
    start(
      'kube-scheduler',
      bin['kube-scheduler'],
      schedulerArgs(kubeconfigFor('scheduler', 'scheduler.kubeconfig'), ports)
    );
    await kubectl.applyFiles(manifest.crds);
    await kubectl.run(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await kubectl.applyObjects(routingObjects(ports));

    log(`traefik on 127.0.0.1:${ports.ingress}, prometheus on 127.0.0.1:${ports.prometheus}`);
    const traefikConfig = writeTraefikConfig(path.join(stateDir, 'traefik.yaml'), ports);
    start('traefik', bin.traefik, traefikArgs(traefikConfig), { ...process.env, KUBECONFIG: kubeconfig });
    const promConfig = prometheusConfig(
      {
        apiServer: server,
        caCert: pki.caCert,
        clientCert: pki.clients.admin.cert,
        clientKey: pki.clients.admin.key
      },
      ports,
      options.scrapeIntervalSeconds
    );
    const promConfigFile = writePrometheusConfig(path.join(stateDir, 'prometheus.yml'), promConfig);
    start(
      'prometheus',
      bin.prometheus,
      prometheusArgs(promConfigFile, path.join(stateDir, 'prometheus'), ports)
    );

    if (options.withAgent) {
      log(`node agent: Node ${options.nodeName}, pod CIDR ${options.podCidr}`);
      const { startNodeAgent } = await loadNodeAgent();
      agent = await startNodeAgent({
        kubeconfig,
        nodeName: options.nodeName,
        stateDir: path.join(stateDir, 'node-agent'),
        podCidr: options.podCidr,
        manifestPath: options.manifestPath
      });
    }

    await Promise.all([
      waitFor('kube-controller-manager /healthz', () =>
        answers(`https://127.0.0.1:${ports.controllerManager}/healthz`, 200, 'self-signed')
      ),
      waitFor('kube-scheduler /healthz', () =>
        answers(`https://127.0.0.1:${ports.scheduler}/healthz`, 200, 'self-signed')
      ),
      // Pods are refused until the service-account controller made the namespace's default account.
      waitFor('service account default/default', () =>
        answers(`${server}/api/v1/namespaces/default/serviceaccounts/default`, 200, admin)
      ),
      waitFor(`Gateway ${GATEWAY_NAMESPACE}/${GATEWAY_NAME} programmed by Traefik`, () =>
        gatewayProgrammed(kubectl)
      ),
      waitFor('Traefik metrics', () => answers(`http://127.0.0.1:${ports.traefikMetrics}/metrics`, 200)),
      waitFor('Prometheus /-/ready', () => answers(`http://127.0.0.1:${ports.prometheus}/-/ready`, 200)),
      options.withAgent
        ? waitFor(`Node ${options.nodeName} Ready`, () => nodeReady(server, admin, options.nodeName))
        : Promise.resolve()
    ]);

    const info: ClusterInfo = {
      kubeconfig,
      ingress: `http://127.0.0.1:${ports.ingress}`,
      prometheus: `http://127.0.0.1:${ports.prometheus}`,
      stateDir,
      kubernetesVersion: version.gitVersion,
      nodeName: options.withAgent ? options.nodeName : null,
      auditLog,
      actionKubeconfig,
      ports
    };
    return { info, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

async function gatewayProgrammed(kubectl: Kubectl): Promise<string | undefined> {
  const gateway = await kubectl.getJson<{ status?: { conditions?: Condition[] } }>([
    'gateway.gateway.networking.k8s.io',
    GATEWAY_NAME,
    '-n',
    GATEWAY_NAMESPACE
  ]);
  const programmed = gateway.status?.conditions?.find((c) => c.type === 'Programmed');
  return programmed?.status === 'True'
    ? undefined
    : `Programmed: ${JSON.stringify(programmed ?? 'no condition yet')}`;
}

async function nodeReady(server: string, admin: TlsIdentity, nodeName: string): Promise<string | undefined> {
  const answer = await httpGet(`${server}/api/v1/nodes/${encodeURIComponent(nodeName)}`, admin);
  if (answer.status !== 200) return `GET node ${nodeName}: ${answer.status}`;
  const node = JSON.parse(answer.body) as { status?: { conditions?: Condition[] } };
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? undefined : `Ready: ${JSON.stringify(ready ?? 'no condition yet')}`;
}
