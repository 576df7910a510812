// Several sandbox clusters at once (`sandbox up --clusters N`): one daemon per cluster, started by the
// same launcher as a single cluster, each in a state dir of its own (<stateDir>/<context>) with its own
// node name and pod CIDR, so that their Nodes, bridges and routes do not collide; and one kubeconfig with
// a context per cluster (a, b, ...). clusters.json in the state dir records the set for `status` and `down`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { numberToIp, parsePodCidr } from '../node-agent/pod-cidr.js';
import type { ClusterInfo } from './cluster.js';
import { writeMergedKubeconfig } from './kubeconfig.js';
import {
  SandboxAlreadyRunningError,
  launchSandbox,
  runningDaemon,
  stopDaemon,
  type LaunchOptions,
  type LaunchedSandbox
} from './launcher.js';

/** Contexts of a set, in order; the first is the kubeconfig's current context. */
export const CONTEXT_NAMES = ['a', 'b', 'c', 'd'] as const;
export const MAX_CLUSTERS = CONTEXT_NAMES.length;
/** The single cluster's defaults (daemon.ts); a set's clusters get `-a`, `-b`... and the blocks after it. */
export const DEFAULT_NODE_NAME = 'sandbox-node';
export const DEFAULT_POD_CIDR = '10.244.0.0/24';

/** `--clusters`: how many clusters to start (1, the default, is the single cluster as ever). */
export function parseClusterCount(text: string | undefined): number {
  if (text === undefined) return 1;
  const count = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(count >= 1 && count <= MAX_CLUSTERS))
    throw new Error(`--clusters: expected a whole number from 1 to ${MAX_CLUSTERS}, got "${text}"`);
  return count;
}

export interface ClusterMember {
  readonly context: string;
  readonly stateDir: string;
  readonly nodeName: string;
  readonly podCidr: string;
}

/**
 * The clusters of a set: context a gets the pod CIDR given (10.244.0.0/24 by default), b the block of the
 * same size right after it, and so on; node names are the given one with `-a`, `-b`...
 */
export function planMembers({
  stateDir,
  count,
  nodeName = DEFAULT_NODE_NAME,
  podCidr = DEFAULT_POD_CIDR
}: {
  stateDir: string;
  count: number;
  nodeName?: string;
  podCidr?: string;
}): ClusterMember[] {
  const block = parsePodCidr(podCidr);
  if (block.network + count * block.size > 2 ** 32)
    throw new Error(`podCidr ${podCidr}: no room for ${count} blocks of its size after it`);
  return CONTEXT_NAMES.slice(0, count).map((context, i) => ({
    context,
    stateDir: path.join(stateDir, context),
    nodeName: `${nodeName}-${context}`,
    podCidr: `${numberToIp(block.network + i * block.size)}/${block.prefixLength}`
  }));
}

/** clusters.json: what `status` and `down` read. */
export interface ClusterSetRecord {
  /** The admin kubeconfig with a context per cluster. */
  readonly kubeconfig: string;
  /** The action's own identity in every cluster, same contexts. */
  readonly actionKubeconfig: string;
  readonly members: readonly ClusterMember[];
}

export function clusterSetFile(stateDir: string): string {
  return path.join(stateDir, 'clusters.json');
}

export function readClusterSet(stateDir: string): ClusterSetRecord | undefined {
  const file = clusterSetFile(stateDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClusterSetRecord;
  } catch (error) {
    throw new Error(
      `${file}: not valid JSON (${(error as Error).message}); remove the state dir ${stateDir}`
    );
  }
}

export interface LaunchedMember extends ClusterMember {
  readonly info: ClusterInfo;
  readonly sandbox: LaunchedSandbox;
}

export interface LaunchedClusterSet extends ClusterSetRecord {
  readonly members: readonly LaunchedMember[];
  /** Stops every cluster of the set. */
  stop(): Promise<void>;
}

export type ClusterSetOptions = Omit<LaunchOptions, 'stateDir' | 'nodeName' | 'podCidr'> & {
  readonly stateDir: string;
  readonly count: number;
  readonly nodeName?: string;
  readonly podCidr?: string;
};

/** Starts the set's clusters side by side; if one fails, stops the others and says which failed. */
export async function launchClusterSet(options: ClusterSetOptions): Promise<LaunchedClusterSet> {
  const { stateDir, count, nodeName, podCidr, ...launch } = options;
  const members = planMembers({ stateDir, count, nodeName, podCidr });
  const single = runningDaemon(stateDir);
  if (single) throw new SandboxAlreadyRunningError(stateDir, single.daemonPid);
  for (const member of members) {
    const running = runningDaemon(member.stateDir);
    if (running) throw new SandboxAlreadyRunningError(member.stateDir, running.daemonPid);
  }
  mkdirSync(stateDir, { recursive: true });
  const record: ClusterSetRecord = {
    kubeconfig: path.join(stateDir, 'kubeconfig'),
    actionKubeconfig: path.join(stateDir, 'action.kubeconfig'),
    members
  };
  // Written first, so that `down` finds every member even when `up` failed half-way.
  writeFileSync(clusterSetFile(stateDir), `${JSON.stringify(record, null, 2)}\n`);
  const started = await Promise.allSettled(
    members.map((member) =>
      launchSandbox({
        ...launch,
        stateDir: member.stateDir,
        nodeName: member.nodeName,
        podCidr: member.podCidr
      })
    )
  );
  const failed = started.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    await Promise.all(members.map((m) => stopDaemon(m.stateDir)));
    const reason = (started[failed] as PromiseRejectedResult).reason as Error;
    throw new Error(`cluster ${members[failed].context}: ${reason.message}`);
  }
  const launched = members.map((member, i) => {
    const sandbox = (started[i] as PromiseFulfilledResult<LaunchedSandbox>).value;
    return { ...member, info: sandbox.info, sandbox };
  });
  writeMergedKubeconfig(
    record.kubeconfig,
    launched.map((m) => ({ context: m.context, kubeconfig: m.info.kubeconfig }))
  );
  writeMergedKubeconfig(
    record.actionKubeconfig,
    launched.map((m) => ({ context: m.context, kubeconfig: m.info.actionKubeconfig ?? m.info.kubeconfig }))
  );
  return {
    ...record,
    members: launched,
    stop: async () => {
      await Promise.all(launched.map((m) => m.sandbox.stop()));
    }
  };
}

/** Stops every cluster clusters.json names and forgets the set; the contexts that were running. */
export async function stopClusterSet(stateDir: string): Promise<string[]> {
  const record = readClusterSet(stateDir);
  if (!record) return [];
  const stopped = await Promise.all(record.members.map((m) => stopDaemon(m.stateDir)));
  rmSync(clusterSetFile(stateDir), { force: true });
  return record.members.filter((_, i) => stopped[i]).map((m) => m.context);
}
