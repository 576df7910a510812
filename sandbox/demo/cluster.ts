// The demo's cluster: the sandbox's real control plane (npm run sandbox), built on first use. A sandbox
// already running in the state dir is reused and left running; otherwise one is started for this demo
// and stopped with it; so is a set of clusters (openClusterSet) for the scenarios that need several.
// Every read goes through the Kubernetes API: Helm's release Secrets, and watches
// of those and of the canary's Ingress and HTTPRoute (cluster-watch.ts).
import { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { ManifestMissingError, readManifest } from '../build/manifest.js';
import { repoRoot } from '../build/components.js';
import type { ClusterInfo } from '../control-plane/cluster.js';
import { readDaemonState } from '../control-plane/daemon-state.js';
import { launchClusterSet, readClusterSet } from '../control-plane/cluster-set.js';
import { launchSandbox, runningDaemon } from '../control-plane/launcher.js';
import type { LoadGenerator } from '../loadgen/loadgen.js';
import { ClusterWatch, type ReleaseEvent, type WeightEntry } from './cluster-watch.js';
import { HelmReleases, type HelmRelease } from './helm-releases.js';

export interface DemoCluster {
  readonly info: ClusterInfo;
  /** True when this demo started the sandbox (and stops it at the end). */
  readonly started: boolean;
  readonly kubeconfig: KubeConfig;
  release(namespace: string, name: string): Promise<HelmRelease | undefined>;
  /** Helm operations seen since the demo began (copy). */
  events(): ReleaseEvent[];
  /** The canary's weight on its routing objects, as it changed (copy). */
  weightLog(): WeightEntry[];
  /** Freezes the sandbox's Prometheus process (SIGSTOP): it keeps its port and answers nothing. */
  stopPrometheus(): Promise<void>;
  /** Lets it carry on (SIGCONT). */
  startPrometheus(): Promise<void>;
  stop(): Promise<void>;
}

export interface OpenOptions {
  readonly stateDir: string;
  readonly podCidr?: string;
  readonly namespace: string;
  readonly log: (line: string) => void;
}

/** `npm run sandbox:build`, its progress on stderr; a no-op in about a second once built. */
function build(log: (line: string) => void): Promise<void> {
  log('demo: the sandbox is not built yet: npm run sandbox:build (a cold build takes several minutes)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sandbox-build.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', process.stderr, process.stderr]
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run sandbox:build failed (exit ${code})`))
    );
  });
}

async function ensureBuilt(log: (line: string) => void): Promise<void> {
  try {
    readManifest();
  } catch (error) {
    if (!(error instanceof ManifestMissingError)) throw error;
    await build(log);
    readManifest();
  }
}

function prometheusPid(stateDir: string): number {
  const record = readDaemonState(stateDir)?.processes.find((p) => p.name === 'prometheus');
  if (!record) throw new Error(`no Prometheus process in ${stateDir}/daemon.json`);
  return record.pid;
}

export async function openCluster(options: OpenOptions): Promise<DemoCluster> {
  const { stateDir, log } = options;
  await ensureBuilt(log);
  const running = runningDaemon(stateDir);
  if (running?.status === 'ready' && running.info) {
    log(`demo: reusing the sandbox running in ${stateDir}`);
    return demoCluster(running.info, stateDir, options.namespace, { started: false });
  }
  const startedAt = Date.now();
  log(`demo: starting the sandbox cluster in ${stateDir}`);
  const sandbox = await launchSandbox({
    stateDir,
    detached: false,
    withAgent: true,
    maxLifetimeMinutes: 120,
    podCidr: options.podCidr
  });
  log(
    `demo: cluster up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (Kubernetes ${sandbox.info.kubernetesVersion})`
  );
  return demoCluster(sandbox.info, stateDir, options.namespace, {
    started: true,
    stop: () => sandbox.stop()
  });
}

/** One cluster of a set, with the load generator sending it the storefront's traffic (setup.ts). */
export interface SetMember {
  readonly context: string;
  readonly cluster: DemoCluster;
  loadgen?: LoadGenerator;
}

/** Several clusters at once (`sandbox up --clusters N`), for the scenarios that need them (`clusters: 2`). */
export interface DemoClusterSet {
  /** The admin kubeconfig with a context per cluster. */
  readonly kubeconfig: string;
  /** The action's own identity in every cluster (the audit logs tell its writes apart), same contexts. */
  readonly actionKubeconfig: string;
  readonly members: readonly SetMember[];
  stop(): Promise<void>;
}

/**
 * A set of `count` clusters in `stateDir`: one running there (every member ready) is reused and left
 * running; otherwise one is started for this demo and stopped with it. Member a is the demo's cluster.
 */
export async function openClusterSet(options: OpenOptions & { count: number }): Promise<DemoClusterSet> {
  const { stateDir, log, count, namespace } = options;
  await ensureBuilt(log);
  const record = readClusterSet(stateDir);
  const ready = record?.members.map((m) => runningDaemon(m.stateDir));
  if (record && record.members.length === count && ready?.every((d) => d?.status === 'ready' && d.info)) {
    log(`demo: reusing the ${count} sandbox clusters running in ${stateDir}`);
    const members = await Promise.all(
      record.members.map(async (m, i) => ({
        context: m.context,
        cluster: await demoCluster(ready[i]!.info!, m.stateDir, namespace, { started: false })
      }))
    );
    return { ...record, members, stop: () => stopAll(members) };
  }
  const startedAt = Date.now();
  log(`demo: starting ${count} sandbox clusters in ${stateDir}`);
  const set = await launchClusterSet({
    stateDir,
    count,
    detached: false,
    withAgent: true,
    maxLifetimeMinutes: 120,
    podCidr: options.podCidr
  });
  log(`demo: ${count} clusters up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  const members = await Promise.all(
    set.members.map(async (m) => ({
      context: m.context,
      cluster: await demoCluster(m.info, m.stateDir, namespace, {
        started: true,
        stop: () => m.sandbox.stop()
      })
    }))
  );
  return {
    kubeconfig: set.kubeconfig,
    actionKubeconfig: set.actionKubeconfig,
    members,
    stop: () => stopAll(members)
  };
}

async function stopAll(members: readonly SetMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.cluster.stop()));
}

/** The demo's view of one running cluster: Helm's releases and watches, through its API server. */
async function demoCluster(
  info: ClusterInfo,
  stateDir: string,
  namespace: string,
  { started, stop: stopSandbox = async () => undefined }: { started: boolean; stop?: () => Promise<void> }
): Promise<DemoCluster> {
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(info.kubeconfig);
  const releases = new HelmReleases(kubeconfig);
  const watch = await ClusterWatch.start(kubeconfig, namespace);
  const signal = (name: NodeJS.Signals) => async (): Promise<void> => {
    process.kill(prometheusPid(stateDir), name);
  };
  return {
    info,
    started,
    kubeconfig,
    release: (ns, name) => releases.release(ns, name),
    events: () => watch.events.slice(),
    weightLog: () => watch.weightLog.slice(),
    stopPrometheus: signal('SIGSTOP'),
    startPrometheus: signal('SIGCONT'),
    stop: async () => {
      watch.stop();
      // Never leave a frozen Prometheus behind (a scenario interrupted while it was stopped).
      await signal('SIGCONT')().catch(() => undefined);
      await stopSandbox();
    }
  };
}
