// One container as a local process: started inside the pod's network namespace with its argv and
// env, its output appended to a log file per start, probed (startup, readiness, liveness), restarted
// with CrashLoopBackOff delays as its restart policy says, and stopped with preStop, SIGTERM and SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { UnrunnableContainerError } from './images.js';
import { BACKOFF_RESET_AFTER_RUNNING_MS, crashLoopDelayMs } from './backoff.js';
import { runAction, type ActionTarget } from './probe-action.js';
import { probeTiming, ProbeTracker, type ProbeKind } from './probe-state.js';

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date }
  | {
      kind: 'terminated';
      exitCode: number;
      signal?: string;
      reason: string;
      message?: string;
      startedAt: Date;
      finishedAt: Date;
    };

export type Terminated = Extract<ContainerState, { kind: 'terminated' }>;

export interface LaunchPlan {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ContainerOptions {
  spec: V1Container;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** The pod's network namespace. */
  netns: string;
  podIP: string;
  /** The pod's terminationGracePeriodSeconds, for a container killed by its liveness probe. */
  podGraceSeconds: number;
  /** Directory for this container's logs: <restartCount>.log per start. */
  logDir: string;
  /** Resolves argv and env before every start; a throw leaves the container waiting with the error's reason. */
  prepare(): Promise<LaunchPlan>;
  /** The image's own programs by name, for exec probes and hooks. */
  programs: Record<string, string>;
  /** Whether probes and hooks may send to a host (see ActionTarget.mayReach). */
  mayReach(host: string): boolean;
  /** Called whenever anything a status report shows has changed. */
  onChange(): void;
  log(message: string): void;
  /** Records an Event about the pod (Started, Killing, Unhealthy, BackOff, Failed). */
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15
};
const CONFIG_RETRY_MS = 2000;

export class Container {
  state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  lastTerminated?: Terminated;
  restartCount = 0;
  pid?: number;

  private child?: ChildProcess;
  private plan?: LaunchPlan;
  private backoffs = 0;
  private stopping = false;
  private killReason?: string;
  private restartTimer?: NodeJS.Timeout;
  private readonly probeTimers = new Map<ProbeKind, NodeJS.Timeout>();
  private readonly trackers = new Map<ProbeKind, ProbeTracker>();
  private exited?: Promise<void>;
  /** Readiness has passed since this start (see probeOnce). */
  private readyOnce = false;

  constructor(private readonly options: ContainerOptions) {
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const probe = this.probeOf(kind);
      if (probe) this.trackers.set(kind, new ProbeTracker(kind, probeTiming(probe)));
    }
  }

  get name(): string {
    return this.options.spec.name;
  }

  /** Running and past its startup probe. */
  get started(): boolean {
    return this.state.kind === 'running' && (this.trackers.get('startup')?.result ?? true);
  }

  get ready(): boolean {
    return this.started && (this.trackers.get('readiness')?.result ?? true);
  }

  start(): void {
    void this.launch();
  }

  private probeOf(kind: ProbeKind): V1Probe | undefined {
    const spec = this.options.spec;
    return kind === 'startup'
      ? spec.startupProbe
      : kind === 'readiness'
        ? spec.readinessProbe
        : spec.livenessProbe;
  }

  private target(): ActionTarget {
    return {
      container: this.options.spec,
      podIP: this.options.podIP,
      mayReach: this.options.mayReach,
      programs: this.options.programs,
      netns: this.options.netns,
      env: this.plan?.env ?? {}
    };
  }

  private async launch(): Promise<void> {
    if (this.stopping) return;
    try {
      this.plan = await this.options.prepare();
    } catch (error) {
      const reason =
        error instanceof UnrunnableContainerError ? 'RunContainerError' : 'CreateContainerConfigError';
      const message = (error as Error).message;
      // Retried every 2 s (a missing Secret may appear); told once per distinct error.
      const repeated = this.state.kind === 'waiting' && this.state.message === message;
      this.setState({ kind: 'waiting', reason, message });
      if (!repeated) {
        this.options.log(`container ${this.name}: ${reason}: ${message}`);
        this.options.event('Warning', 'Failed', `Error: ${message}`);
      }
      this.restartTimer = setTimeout(() => void this.launch(), CONFIG_RETRY_MS);
      return;
    }
    if (this.stopping) return;
    const { argv, env, cwd } = this.plan;
    fs.mkdirSync(this.options.logDir, { recursive: true });
    fs.mkdirSync(cwd, { recursive: true });
    const logFd = fs.openSync(path.join(this.options.logDir, `${this.restartCount}.log`), 'a');
    const fullArgv = ['ip', 'netns', 'exec', this.options.netns, ...argv];
    const startedAt = new Date();
    // Its own process group, so a Ctrl-C at the terminal does not reach it before the agent's stop().
    const child = spawn(fullArgv[0], fullArgv.slice(1), {
      env,
      cwd,
      detached: true,
      stdio: ['ignore', logFd, logFd]
    });
    fs.closeSync(logFd);
    this.child = child;
    this.killReason = undefined;
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.options.log(`container ${this.name}: cannot start ${argv[0]}: ${error.message}`);
        this.onExit(127, null, startedAt);
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.onExit(code, signal, startedAt);
        resolve();
      });
    });
    this.pid = child.pid;
    this.setState({ kind: 'running', startedAt });
    this.options.event('Normal', 'Started', `Started container ${this.name}`);
    for (const tracker of this.trackers.values()) tracker.reset();
    this.readyOnce = false;
    this.scheduleProbes();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, startedAt: Date): void {
    if (this.state.kind !== 'running') return;
    this.clearProbes();
    const exitCode = code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0);
    const terminated: Terminated = {
      kind: 'terminated',
      exitCode,
      ...(signal ? { signal } : {}),
      reason: exitCode === 0 ? 'Completed' : 'Error',
      ...(this.killReason ? { message: this.killReason } : {}),
      startedAt,
      finishedAt: new Date()
    };
    this.child = undefined;
    this.pid = undefined;
    const policy = this.options.restartPolicy;
    const restart = !this.stopping && (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
    if (!restart) {
      this.setState(terminated);
      return;
    }
    // The kubelet forgets a crash loop once the container has run long enough.
    if (terminated.finishedAt.getTime() - startedAt.getTime() > BACKOFF_RESET_AFTER_RUNNING_MS)
      this.backoffs = 0;
    const delay = crashLoopDelayMs(this.backoffs);
    this.backoffs++;
    this.lastTerminated = terminated;
    this.options.log(
      `container ${this.name} exited (${exitCode}${signal ? ` ${signal}` : ''}); restarting in ${delay / 1000} s`
    );
    this.options.event('Warning', 'BackOff', `Back-off restarting failed container ${this.name}`);
    this.setState({
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off ${delay / 1000}s restarting failed container=${this.name}`
    });
    // restartCount counts starts after the first, so it grows when the container starts again.
    this.restartTimer = setTimeout(() => {
      this.restartCount++;
      void this.launch();
    }, delay);
  }

  private scheduleProbes(): void {
    const startup = this.trackers.get('startup');
    if (startup) {
      this.scheduleProbe('startup', probeTiming(this.probeOf('startup')!).initialDelayMs);
    } else {
      this.scheduleAfterStartup();
    }
  }

  private scheduleAfterStartup(): void {
    for (const kind of ['readiness', 'liveness'] as const) {
      const probe = this.probeOf(kind);
      if (probe) this.scheduleProbe(kind, probeTiming(probe).initialDelayMs);
    }
  }

  private scheduleProbe(kind: ProbeKind, delayMs: number): void {
    clearTimeout(this.probeTimers.get(kind));
    this.probeTimers.set(
      kind,
      setTimeout(() => void this.probeOnce(kind), delayMs)
    );
  }

  private async probeOnce(kind: ProbeKind): Promise<void> {
    const probe = this.probeOf(kind)!;
    const timing = probeTiming(probe);
    const tracker = this.trackers.get(kind)!;
    const child = this.child;
    const result = await runAction(probe, this.target(), timing.timeoutMs);
    if (this.child !== child || this.state.kind !== 'running' || this.stopping) return;
    const changed = tracker.record(result.ok);
    // Every liveness failure counts towards a restart; readiness and startup are logged when they flip.
    if (!result.ok && (kind === 'liveness' || changed)) {
      this.options.log(`container ${this.name}: ${kind} probe failed: ${result.detail}`);
      const Kind = kind[0].toUpperCase() + kind.slice(1);
      this.options.event('Warning', 'Unhealthy', `${Kind} probe failed: ${result.detail}`);
    }
    if (kind === 'startup' && changed && tracker.result) {
      this.options.onChange();
      this.scheduleAfterStartup();
      return; // a passed startup probe is not run again
    }
    if ((kind === 'liveness' || kind === 'startup') && !tracker.result) {
      const why = `Container ${this.name} failed ${kind} probe, will be restarted`;
      this.options.log(why);
      this.options.event('Normal', 'Killing', why);
      void this.kill(why, this.graceMs(probe));
      return;
    }
    if (changed) this.options.onChange();
    // Sandbox speed-up: until readiness first passes, it is retried every second at most; nothing
    // counts failures then (readiness starts failed), so this only makes a pod Ready sooner.
    if (kind === 'readiness' && tracker.result) this.readyOnce = true;
    const notReadyYet = kind === 'readiness' && !this.readyOnce;
    this.scheduleProbe(kind, notReadyYet ? Math.min(timing.periodMs, 1000) : timing.periodMs);
  }

  private graceMs(probe?: V1Probe): number {
    return (probe?.terminationGracePeriodSeconds ?? this.options.podGraceSeconds) * 1000;
  }

  /** SIGTERM to the process group, SIGKILL after graceMs; resolves once it has exited. */
  private async kill(reason: string, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.killReason = reason;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const killer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  /** Stops for good: preStop hook, SIGTERM, SIGKILL when the grace period is over. */
  async stop(graceMs: number, { preStop: runPreStop = true } = {}): Promise<void> {
    const deadline = Date.now() + graceMs;
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.clearProbes();
    if (this.child) this.options.event('Normal', 'Killing', `Stopping container ${this.name}`);
    const preStop = this.options.spec.lifecycle?.preStop;
    if (preStop && runPreStop && this.child && graceMs > 0) {
      const result = await runAction(preStop, this.target(), graceMs);
      if (!result.ok) {
        this.options.log(`container ${this.name}: preStop hook failed: ${result.detail}`);
        this.options.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.detail}`);
      }
    }
    // As the kubelet does, a preStop hook that used up the grace period leaves 2 s for SIGTERM.
    await this.kill('', Math.max(deadline - Date.now(), graceMs > 0 ? 2000 : 0));
  }

  /** SIGKILL at once (the agent is going away). */
  killNow(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.clearProbes();
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private clearProbes(): void {
    for (const timer of this.probeTimers.values()) clearTimeout(timer);
    this.probeTimers.clear();
  }

  private setState(state: ContainerState): void {
    this.state = state;
    this.options.onChange();
  }
}
