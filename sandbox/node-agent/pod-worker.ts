// One pod bound to this node, from start to deletion: its network namespace and address, its
// containers, its status reports, and on deletion the graceful stop and the final delete with grace
// 0 that lets the API server forget it (the kubelet's job).
import fs from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { Container, type LaunchPlan } from './container.js';
import type { RecordEvent } from './events.js';
import type { ContainerLog } from './kubelet-api.js';
import { expandReferences, resolveEnv, type EnvLookups } from './env.js';
import { imagePrograms, programFor, type EntryPoints } from './images.js';
import type { NodeNetwork, PodNetwork } from './network.js';
import { cidrContains, type PodIpAllocator } from './pod-cidr.js';
import { portsToServe } from './ports.js';
import { podStatus, type ContainerView } from './pod-status.js';

/** How long a deleted pod's network namespace is kept after its containers have exited. */
const NETWORK_LINGER_MS = 3000;

export interface PodApi {
  patchStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  /** Deletes with grace 0, only if the pod still has this uid. */
  deleteNow(namespace: string, name: string, uid: string): Promise<void>;
}

export interface PodWorkerDeps {
  network: NodeNetwork;
  allocator: PodIpAllocator;
  entryPoints: EntryPoints;
  lookups: EnvLookups;
  api: PodApi;
  hostIP: string;
  stateDir: string;
  log(message: string): void;
  recordEvent: RecordEvent;
}

type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

const STATUS_DEBOUNCE_MS = 100;
const STATUS_RETRY_MS = 2000;

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

export class PodWorker {
  private pod: V1Pod;
  private podNetwork?: PodNetwork;
  private containers: Container[] = [];
  private readonly startTime = new Date();
  private terminating?: Promise<void>;
  private statusTimer?: NodeJS.Timeout;
  private statusInFlight?: Promise<void>;
  private lastSentStatus = '';
  private finished = false;
  private formerPodIP?: string;

  constructor(
    pod: V1Pod,
    private readonly deps: PodWorkerDeps
  ) {
    this.pod = pod;
  }

  private get namespace(): string {
    return this.pod.metadata?.namespace ?? 'default';
  }

  private get name(): string {
    return this.pod.metadata?.name ?? '';
  }

  private get restartPolicy(): RestartPolicy {
    return (this.pod.spec?.restartPolicy as RestartPolicy | undefined) ?? 'Always';
  }

  private get podDir(): string {
    return path.join(this.deps.stateDir, 'pods', `${this.namespace}_${this.name}_${this.pod.metadata?.uid}`);
  }

  get uid(): string | undefined {
    return this.pod.metadata?.uid;
  }

  /** The pod's address; kept in the status after a finished pod's network is gone, as the kubelet does. */
  get podIP(): string | undefined {
    return this.podNetwork?.ip ?? this.formerPodIP;
  }

  async start(): Promise<void> {
    const log = this.deps.log;
    // hostNetwork is not honoured: every pod gets a namespace of its own, so no pod process can
    // reach beyond the pod network and no two pods fight over a host port.
    const address = this.deps.allocator.allocate();
    try {
      this.podNetwork = await this.deps.network.addPod(address);
    } catch (error) {
      this.deps.allocator.release(address);
      log(`pod ${podKey(this.pod)}: cannot make its network: ${(error as Error).message}`);
      this.reportStatus();
      return;
    }
    if (this.terminating || this.finished) {
      // Deleted while its network was being made: nothing ran, so only the network goes.
      await this.releaseNetwork();
      return;
    }
    const podIP = this.podIP!;
    this.containers = (this.pod.spec?.containers ?? []).map(
      (spec) =>
        new Container({
          spec,
          restartPolicy: this.restartPolicy,
          netns: this.podNetwork!.netns,
          podIP,
          programs: imagePrograms(spec.image ?? '', this.deps.entryPoints),
          mayReach: (host) => host === '127.0.0.1' || cidrContains(this.deps.network.block, host),
          podGraceSeconds: this.pod.spec?.terminationGracePeriodSeconds ?? 30,
          logDir: path.join(this.podDir, spec.name),
          prepare: () => this.launchPlan(spec),
          onChange: () => this.reportStatus(),
          log: (message) => log(`pod ${podKey(this.pod)}: ${message}`),
          event: (type, reason, message) => this.deps.recordEvent(this.pod, type, reason, message)
        })
    );
    log(
      `pod ${podKey(this.pod)}: ${podIP}${this.podNetwork ? ` in ${this.podNetwork.netns}` : ' (host network)'}`
    );
    for (const container of this.containers) container.start();
    this.reportStatus();
  }

  /** Env, argv and working directory for a container, resolved again at every start as the kubelet does. */
  private async launchPlan(spec: V1Container): Promise<LaunchPlan> {
    const podIP = this.podIP!;
    const env = await resolveEnv(spec, this.pod, { podIP, hostIP: this.deps.hostIP }, this.deps.lookups);
    const firstPort = spec.ports?.[0]?.containerPort;
    if (env.PORT === undefined && firstPort !== undefined) env.PORT = String(firstPort);
    const expanded: V1Container = {
      ...spec,
      command: spec.command?.map((part) => expandReferences(part, env)),
      args: spec.args?.map((part) => expandReferences(part, env))
    };
    const program = programFor(expanded, this.deps.entryPoints, {
      runToCompletion: this.restartPolicy !== 'Always'
    });
    const scratch = path.join(this.podDir, spec.name, 'root');
    fs.mkdirSync(scratch, { recursive: true });
    const argv =
      program.kind === 'stand-in'
        ? [
            ...program.argv,
            '--container',
            spec.name,
            ...portsToServe(spec, env).flatMap((p) => ['--port', String(p)])
          ]
        : program.argv;
    // Only what a container would see: no host secrets from the agent's own environment.
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, HOSTNAME: this.name };
    return { argv, env: { ...base, ...env }, cwd: program.cwd ?? scratch };
  }

  /** A newer version of the pod from the API. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp && !this.terminating) void this.terminate(true);
  }

  /**
   * The graceful stop: preStop, SIGTERM, SIGKILL after the grace period; then the final status and,
   * when the pod is still in the API (deleteFromApi), its deletion with grace 0.
   */
  terminate(deleteFromApi: boolean): Promise<void> {
    if (this.terminating) return this.terminating;
    this.terminating = (async () => {
      const graceSeconds =
        this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
      this.deps.log(`pod ${podKey(this.pod)}: stopping (grace ${graceSeconds} s)`);
      await Promise.all(this.containers.map((c) => c.stop(graceSeconds * 1000)));
      await this.flushStatus();
      this.finished = true;
      if (deleteFromApi) {
        await this.deps.api
          .deleteNow(this.namespace, this.name, this.pod.metadata?.uid ?? '')
          .catch((error) =>
            this.deps.log(`pod ${podKey(this.pod)}: final delete failed: ${(error as Error).message}`)
          );
      }
      // The namespace outlives the processes a moment: a router that still holds a connection to this
      // pod's IP then gets a reset at once instead of packets into a removed veth (a hang until its
      // timeout), and the IP is not handed to a new pod while such connections may remain.
      await new Promise((resolve) => setTimeout(resolve, NETWORK_LINGER_MS));
      await this.releaseNetwork();
      this.deps.log(`pod ${podKey(this.pod)}: gone`);
    })();
    return this.terminating;
  }

  /** The agent is stopping: SIGTERM, SIGKILL after a short grace, no API calls. */
  async shutdown(graceMs: number): Promise<void> {
    this.finished = true;
    clearTimeout(this.statusTimer);
    await Promise.all(this.containers.map((c) => c.stop(graceMs, { preStop: false })));
    await this.releaseNetwork();
  }

  /** For the agent's process exit, when nothing async runs any more: SIGKILL, namespace removed. */
  killNowSync(): void {
    this.finished = true;
    clearTimeout(this.statusTimer);
    for (const container of this.containers) container.killNow();
    if (this.podNetwork) this.deps.network.removePodSync(this.podNetwork);
  }

  /** A container's log file for `kubectl logs`: its current start's, or the one before (previous). */
  containerLog(name: string, previous: boolean): ContainerLog | undefined {
    const container = this.containers.find((c) => c.name === name);
    if (!container) return undefined;
    const restart = container.restartCount - (previous ? 1 : 0);
    if (restart < 0) return undefined;
    const file = path.join(this.podDir, name, `${restart}.log`);
    return { file, isCurrent: () => !previous && !this.finished && container.restartCount === restart };
  }

  private async releaseNetwork(): Promise<void> {
    if (!this.podNetwork) return;
    const network = this.podNetwork;
    this.podNetwork = undefined;
    await this.deps.network.removePod(network);
    this.deps.allocator.release(network.address);
  }

  private views(): ContainerView[] {
    return this.containers.map((c) => ({
      name: c.name,
      image: this.pod.spec?.containers.find((s) => s.name === c.name)?.image ?? '',
      state: c.state,
      lastTerminated: c.lastTerminated,
      ready: c.ready,
      started: c.started,
      restartCount: c.restartCount,
      pid: c.pid
    }));
  }

  /** Init containers are not run here: they count as completed at once (documented sandbox behaviour). */
  private initViews(): ContainerView[] {
    const at = this.startTime;
    return (this.pod.spec?.initContainers ?? []).map((spec) => ({
      name: spec.name,
      image: spec.image ?? '',
      state: {
        kind: 'terminated',
        exitCode: 0,
        reason: 'Completed',
        message: 'not run by the sandbox node agent',
        startedAt: at,
        finishedAt: at
      },
      ready: true,
      started: false,
      restartCount: 0
    }));
  }

  private reportStatus(): void {
    if (this.finished) return;
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => void this.flushStatus(), STATUS_DEBOUNCE_MS);
  }

  /** Writes the status if it changed; one write at a time, the latest state wins. */
  private async flushStatus(): Promise<void> {
    clearTimeout(this.statusTimer);
    while (this.statusInFlight) await this.statusInFlight;
    const status = podStatus(this.pod, this.views(), this.initViews(), {
      podIP: this.podIP,
      hostIP: this.deps.hostIP,
      startTime: this.startTime,
      sandboxReady: Boolean(this.podNetwork),
      restartPolicy: this.restartPolicy,
      now: new Date()
    });
    // A pod that ran to completion needs its network no more (the kubelet removes its sandbox).
    if ((status.phase === 'Succeeded' || status.phase === 'Failed') && this.podNetwork) {
      this.formerPodIP = this.podNetwork.ip;
      void this.releaseNetwork();
    }
    // Transition times are only compared by value: a report that changes nothing else is skipped.
    const fingerprint = JSON.stringify({
      ...status,
      conditions: (status.conditions as { type: string; status: string }[]).map((c) => [c.type, c.status])
    });
    if (fingerprint === this.lastSentStatus) return;
    this.statusInFlight = this.deps.api
      .patchStatus(this.namespace, this.name, status)
      .then(() => {
        this.lastSentStatus = fingerprint;
      })
      .catch((error) => {
        this.deps.log(`pod ${podKey(this.pod)}: status update failed: ${(error as Error).message}`);
        setTimeout(() => this.reportStatus(), STATUS_RETRY_MS);
      })
      .finally(() => {
        this.statusInFlight = undefined;
      });
    await this.statusInFlight;
  }
}
