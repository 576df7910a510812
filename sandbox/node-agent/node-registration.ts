// The Node object and its heartbeat: registered with capacity, allocatable, addresses, podCIDR and
// Ready, its Lease in kube-node-lease renewed every 10 s, and its status written again every minute,
// so the node lifecycle controller never finds it stale and never taints it.
import fs from 'node:fs';
import os from 'node:os';
import type { V1Node } from '@kubernetes/client-node';
import { mergePatch, statusOf, type KubeClients } from './kube.js';
import { KUBELET_PORT } from './kubelet-api.js';
import { apiTime } from './pod-status.js';

export const LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_REPORT_MS = 60_000;
export const MAX_PODS = 110;

export interface NodeIdentity {
  nodeName: string;
  podCidr: string;
  /** The bridge address: the Node's InternalIP. */
  internalIP: string;
  stateDir: string;
  kubeletVersion: string;
}

/** The API's MicroTime format: six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function capacity(stateDir: string): Record<string, string> {
  const disk = fs.statfsSync(stateDir);
  return {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor((disk.blocks * disk.bsize) / 1024)}Ki`,
    pods: String(MAX_PODS)
  };
}

export function nodeStatus(identity: NodeIdentity, since: Date, now: Date): Record<string, unknown> {
  const resources = capacity(identity.stateDir);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: apiTime(now),
    lastTransitionTime: apiTime(since)
  });
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [
      condition(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'sandbox node agent has sufficient memory available'
      ),
      condition(
        'DiskPressure',
        'False',
        'KubeletHasNoDiskPressure',
        'sandbox node agent has no disk pressure'
      ),
      condition(
        'PIDPressure',
        'False',
        'KubeletHasSufficientPID',
        'sandbox node agent has sufficient PID available'
      ),
      condition('Ready', 'True', 'KubeletReady', 'sandbox node agent is posting ready status')
    ],
    // InternalIP only: the API server reaches the kubelet API (kubectl logs) at the first address of
    // its preferred types, Hostname first, and the node's name resolves to nothing here.
    addresses: [{ type: 'InternalIP', address: identity.internalIP }],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: os.release(),
      osImage: 'canary-action sandbox (pods are local processes)',
      containerRuntimeVersion: 'sandbox://local-processes',
      kubeletVersion: identity.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: os.arch() === 'x64' ? 'amd64' : os.arch()
    }
  };
}

export class NodeRegistration {
  private leaseTimer?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private readonly since = new Date();
  private nodeUid = '';

  constructor(
    private readonly clients: KubeClients,
    private readonly identity: NodeIdentity,
    private readonly log: (message: string) => void
  ) {}

  /** Creates the Node (or takes over an existing one with the same pod CIDR) and starts the heartbeat. */
  async register(): Promise<void> {
    const { nodeName, podCidr } = this.identity;
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: nodeName,
        labels: {
          'kubernetes.io/hostname': nodeName,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'sandbox'
        }
      },
      spec: { podCIDR: podCidr, podCIDRs: [podCidr] },
      status: nodeStatus(this.identity, this.since, new Date())
    } as unknown as V1Node;
    try {
      const created = await this.clients.core.createNode({ body: node });
      this.nodeUid = created.metadata?.uid ?? '';
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      const existing = await this.clients.core.readNode({ name: nodeName });
      if (existing.spec?.podCIDR && existing.spec.podCIDR !== podCidr) {
        throw new Error(
          `Node ${nodeName} already exists with podCIDR ${existing.spec.podCIDR}, not ${podCidr}; delete it or use that CIDR`
        );
      }
      this.nodeUid = existing.metadata?.uid ?? '';
      await this.reportStatus();
    }
    await this.renewLease();
    this.leaseTimer = setInterval(
      () => void this.renewLease().catch((e) => this.log(`lease renewal failed: ${(e as Error).message}`)),
      LEASE_RENEW_MS
    );
    this.statusTimer = setInterval(
      () =>
        void this.reportStatus().catch((e) => this.log(`node status update failed: ${(e as Error).message}`)),
      STATUS_REPORT_MS
    );
  }

  async reportStatus(): Promise<void> {
    await this.clients.core.patchNodeStatus(
      { name: this.identity.nodeName, body: { status: nodeStatus(this.identity, this.since, new Date()) } },
      mergePatch
    );
  }

  async renewLease(): Promise<void> {
    const { nodeName } = this.identity;
    const spec = {
      holderIdentity: nodeName,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      renewTime: microTime(new Date())
    };
    try {
      await this.clients.coordination.patchNamespacedLease(
        { name: nodeName, namespace: LEASE_NAMESPACE, body: { spec } },
        mergePatch
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      await this.clients.coordination.createNamespacedLease({
        namespace: LEASE_NAMESPACE,
        body: {
          metadata: {
            name: nodeName,
            namespace: LEASE_NAMESPACE,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: this.nodeUid }]
          },
          spec
        } as never
      });
    }
  }

  stop(): void {
    clearInterval(this.leaseTimer);
    clearInterval(this.statusTimer);
  }
}
