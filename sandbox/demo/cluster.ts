// The demo's cluster: the sandbox's real control plane (npm run sandbox), built on first use. A sandbox
// already running in the state dir is reused and left running; otherwise one is started for this demo
// and stopped with it. Every read goes through the Kubernetes API: Helm's release Secrets, and watches
// of those and of the canary's Ingress and HTTPRoute (cluster-watch.ts).
import { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { ManifestMissingError, readManifest } from '../build/manifest.js';
import { repoRoot } from '../build/components.js';
import type { ClusterInfo } from '../control-plane/cluster.js';
import { readDaemonState } from '../control-plane/daemon-state.js';
import { launchSandbox, runningDaemon } from '../control-plane/launcher.js';
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
  let info: ClusterInfo;
  let stopSandbox = async (): Promise<void> => undefined;
  if (running?.status === 'ready' && running.info) {
    info = running.info;
    log(`demo: reusing the sandbox running in ${stateDir}`);
  } else {
    const startedAt = Date.now();
    log(`demo: starting the sandbox cluster in ${stateDir}`);
    const sandbox = await launchSandbox({
      stateDir,
      detached: false,
      withAgent: true,
      maxLifetimeMinutes: 120,
      podCidr: options.podCidr
    });
    info = sandbox.info;
    stopSandbox = () => sandbox.stop();
    log(
      `demo: cluster up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (Kubernetes ${info.kubernetesVersion})`
    );
  }
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(info.kubeconfig);
  const releases = new HelmReleases(kubeconfig);
  const watch = await ClusterWatch.start(kubeconfig, options.namespace);
  const signal = (name: NodeJS.Signals) => async (): Promise<void> => {
    process.kill(prometheusPid(stateDir), name);
  };
  return {
    info,
    started: running === undefined,
    kubeconfig,
    release: (namespace, name) => releases.release(namespace, name),
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
