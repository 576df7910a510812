// Command lines of the Kubernetes processes (etcd, API server, controller manager, scheduler) and the
// audit policy. Each function says how one upstream binary is run here; cluster.ts starts them in order.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ClusterPki } from './pki.js';

export interface Ports {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiServer: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly ingress: number;
  readonly traefikMetrics: number;
  readonly prometheus: number;
}

export const SERVICE_CIDR = '10.96.0.0/16';
/** The first address of the Service range: the `kubernetes` Service, so it is in the serving certificate. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export function etcdArgs(dataDir: string, ports: Ports): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name=sandbox',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=sandbox=${peer}`,
    '--initial-cluster-state=new',
    // A throwaway single-member cluster: no fsync-heavy snapshots, a small backend.
    '--snapshot-count=10000',
    '--quota-backend-bytes=2147483648',
    '--log-level=warn'
  ];
}

/** Audit policy: every write request (not reads), at Metadata level: who changed which object, and the verdict. */
export function writeAuditPolicy(file: string): string {
  const policy = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'Metadata', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] },
      { level: 'None' }
    ]
  };
  writeFileSync(file, stringify(policy));
  return file;
}

export interface ApiServerFiles {
  readonly pki: ClusterPki;
  readonly auditPolicy: string;
  readonly auditLog: string;
}

export function apiServerArgs(files: ApiServerFiles, ports: Ports): string[] {
  const { pki } = files;
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.apiServer}`,
    `--tls-cert-file=${pki.apiServer.cert}`,
    `--tls-private-key-file=${pki.apiServer.key}`,
    `--client-ca-file=${pki.caCert}`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--api-audiences=https://kubernetes.default.svc.cluster.local',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    `--audit-policy-file=${files.auditPolicy}`,
    `--audit-log-path=${files.auditLog}`,
    '--audit-log-format=json',
    // Batching would delay entries; tests read the log right after a change.
    '--audit-log-mode=blocking',
    // The API server listens on loopback only, and the `kubernetes` Service's endpoints may not be
    // loopback addresses: keep no endpoints for it rather than a stream of validation errors.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
    '--v=1'
  ];
}

export function controllerManagerArgs(kubeconfig: string, pki: ClusterPki, ports: Ports): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.controllerManager}`,
    // The service-account and token controllers sign tokens with the key the API server verifies.
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    '--use-service-account-credentials=true',
    // Every default controller: garbage collector, deployment, replicaset, endpointslice, node lifecycle,
    // service account, namespace... Node IPAM stays off: the node agent owns the pod CIDR.
    '--controllers=*',
    '--allocate-node-cidrs=false',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    // One instance: no leader election wait at start.
    '--leader-elect=false',
    '--v=1'
  ];
}

export function schedulerArgs(kubeconfig: string, ports: Ports): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.scheduler}`,
    '--leader-elect=false',
    '--v=1'
  ];
}
