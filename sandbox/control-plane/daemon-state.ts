// daemon.json in the state dir: how `up`, `status` and `down` learn what the background daemon runs.
// Written atomically (temp file + rename) so a reader never sees half a file.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterInfo } from './cluster.js';

export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly command: string;
  readonly logFile: string;
}

export interface DaemonState {
  readonly daemonPid: number;
  readonly status: 'starting' | 'ready' | 'failed' | 'stopping' | 'stopped';
  readonly startedAt: string;
  /** When the daemon stops by itself (detached runs), ISO time. */
  readonly stopsAt: string | null;
  readonly error?: string;
  readonly info?: ClusterInfo;
  readonly processes: readonly ProcessRecord[];
}

export function daemonStateFile(stateDir: string): string {
  return path.join(stateDir, 'daemon.json');
}

export function writeDaemonState(stateDir: string, state: DaemonState): void {
  const file = daemonStateFile(stateDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function readDaemonState(stateDir: string): DaemonState | undefined {
  const file = daemonStateFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DaemonState;
  } catch (error) {
    throw new Error(
      `${file}: not valid JSON (${(error as Error).message}); remove the state dir ${stateDir}`
    );
  }
}

/** True if `pid` is alive and its command line mentions `expected` (a recycled pid is not ours). */
export function processIsOurs(pid: number, expected: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return cmdline.includes(expected);
  } catch {
    return false;
  }
}
