// Starts the sandbox daemon as a child process and waits until it reports the cluster ready (or why not).
// `sandbox up` detaches it (it outlives the command, up to its maximum lifetime); tests keep it attached,
// so it stops when they exit, even if they crash.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../build/components.js';
import type { ClusterInfo } from './cluster.js';
import { processIsOurs, readDaemonState, type DaemonState } from './daemon-state.js';
import { waitUntil } from './wait.js';

export const daemonScript = path.join(repoRoot, 'sandbox', 'daemon.ts');
export const defaultStateDir = path.join(repoRoot, '.sandbox-state', 'cluster');

export interface LaunchOptions {
  readonly stateDir: string;
  readonly detached: boolean;
  readonly withAgent: boolean;
  readonly maxLifetimeMinutes?: number;
  readonly nodeName?: string;
  readonly podCidr?: string;
  readonly timeoutMs?: number;
}

export interface LaunchedSandbox {
  readonly info: ClusterInfo;
  readonly daemonPid: number;
  /** Stops the daemon (which stops everything it started) and waits for it to exit. */
  stop(): Promise<void>;
}

export class SandboxAlreadyRunningError extends Error {
  constructor(stateDir: string, pid: number) {
    super(
      `a sandbox is already running for ${stateDir} (daemon pid ${pid}); run \`npm run sandbox -- down\` first`
    );
    this.name = 'SandboxAlreadyRunningError';
  }
}

export function runningDaemon(stateDir: string): DaemonState | undefined {
  const state = readDaemonState(stateDir);
  return state && processIsOurs(state.daemonPid, daemonScript) ? state : undefined;
}

export async function launchSandbox(options: LaunchOptions): Promise<LaunchedSandbox> {
  const { stateDir } = options;
  const running = runningDaemon(stateDir);
  if (running) throw new SandboxAlreadyRunningError(stateDir, running.daemonPid);
  mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
  const daemonLog = path.join(stateDir, 'logs', 'daemon.log');
  const argv = ['--import', 'tsx', daemonScript, '--state-dir', stateDir];
  if (!options.detached) argv.push('--parent-pid', String(process.pid));
  if (options.maxLifetimeMinutes) argv.push('--max-lifetime-minutes', String(options.maxLifetimeMinutes));
  if (!options.withAgent) argv.push('--no-agent');
  if (options.nodeName) argv.push('--node-name', options.nodeName);
  if (options.podCidr) argv.push('--pod-cidr', options.podCidr);

  const out = openSync(daemonLog, 'w');
  const daemon = spawn(process.execPath, argv, {
    cwd: repoRoot,
    detached: options.detached,
    stdio: ['ignore', out, out]
  });
  closeSync(out);
  if (options.detached) daemon.unref();
  let exited: string | undefined;
  daemon.once(
    'exit',
    (code, signal) => (exited = `daemon exited (${signal ?? `code ${code}`}); see ${daemonLog}`)
  );
  const pid = daemon.pid!;

  let state: DaemonState | undefined;
  await waitUntil(
    async () => {
      state = readDaemonState(stateDir);
      if (state?.daemonPid !== pid) return 'daemon has not written its state yet';
      return state.status === 'ready' ? undefined : `daemon status: ${state.status}`;
    },
    {
      what: 'the sandbox cluster',
      timeoutMs: options.timeoutMs ?? 180_000,
      intervalMs: 300,
      // A daemon that failed writes why before it exits: say that, not only that it exited.
      abortIf: () => {
        const latest = readDaemonState(stateDir);
        if (latest?.daemonPid === pid && latest.status === 'failed')
          return `failed to start: ${latest.error}`;
        return exited;
      }
    }
  ).catch(async (error: unknown) => {
    if (!exited) daemon.kill('SIGTERM');
    throw error;
  });
  return {
    info: state!.info!,
    daemonPid: pid,
    stop: async () => {
      await stopDaemon(stateDir);
    }
  };
}

/** SIGTERM to the daemon, then wait for it to go; SIGKILL after `graceMs` (its children die with it). */
export async function stopDaemon(stateDir: string, graceMs = 60_000): Promise<boolean> {
  const state = runningDaemon(stateDir);
  if (!state) return false;
  process.kill(state.daemonPid, 'SIGTERM');
  try {
    await waitUntil(
      async () => (processIsOurs(state.daemonPid, daemonScript) ? 'still running' : undefined),
      {
        what: `daemon ${state.daemonPid} to stop`,
        timeoutMs: graceMs
      }
    );
  } catch {
    process.kill(state.daemonPid, 'SIGKILL');
  }
  // Children run under setpriv --pdeathsig KILL, but a process that outlived a crashed daemon is ended here.
  for (const child of state.processes)
    if (processIsOurs(child.pid, child.command)) process.kill(child.pid, 'SIGKILL');
  // Return only once they are gone: a KILL is delivered asynchronously, and "down" means stopped.
  await waitUntil(
    async () => {
      const left = state.processes.filter((child) => processIsOurs(child.pid, child.command));
      return left.length > 0 ? `still running: ${left.map((c) => c.pid).join(', ')}` : undefined;
    },
    { what: `the daemon's processes to end`, timeoutMs: 10_000 }
  );
  return true;
}
