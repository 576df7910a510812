// Command lines and config files of the control plane's processes. Each function says how one upstream
// binary is run here; the orchestration (order, readiness) lives in cluster.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
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

export interface ComponentKubeconfigs {
  readonly controllerManager: string;
  readonly scheduler: string;
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

/** Ingress class and Gateway class Traefik serves; the storefront chart's defaults use these names. */
export const INGRESS_CLASS = 'nginx';
export const GATEWAY_CLASS = 'traefik';
export const GATEWAY_NAME = 'gateway';
export const GATEWAY_NAMESPACE = 'default';

/**
 * Traefik's static configuration: one HTTP entry point on 127.0.0.1, the ingress-nginx provider (canary
 * annotations) and the Gateway API provider (HTTPRoute weights), and Prometheus metrics on their own port.
 * It reaches the API server through KUBECONFIG (both providers read it).
 */
export function writeTraefikConfig(file: string, ports: Ports): string {
  const config = {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    entryPoints: {
      web: { address: `127.0.0.1:${ports.ingress}` },
      metrics: { address: `127.0.0.1:${ports.traefikMetrics}` }
    },
    providers: {
      kubernetesIngressNGINX: { ingressClass: INGRESS_CLASS, throttleDuration: '0s' },
      kubernetesGateway: { throttleDuration: '0s' }
    },
    metrics: {
      prometheus: {
        entryPoint: 'metrics',
        addEntryPointsLabels: true,
        addRoutersLabels: true,
        addServicesLabels: true
      }
    },
    log: { level: 'INFO' },
    accessLog: {}
  };
  writeFileSync(file, stringify(config));
  return file;
}

export function traefikArgs(configFile: string): string[] {
  return [`--configFile=${configFile}`];
}

/** Objects Traefik needs to serve the two presets: the IngressClass, a GatewayClass and the Gateway. */
export function routingObjects(ports: Ports): object[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: INGRESS_CLASS },
      spec: { controller: 'k8s.io/ingress-nginx' }
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: GATEWAY_CLASS },
      spec: { controllerName: 'traefik.io/gateway-controller' }
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
      spec: {
        gatewayClassName: GATEWAY_CLASS,
        // Traefik binds a listener to the entry point with the same port.
        listeners: [
          {
            name: 'web',
            protocol: 'HTTP',
            port: ports.ingress,
            allowedRoutes: { namespaces: { from: 'All' } }
          }
        ]
      }
    }
  ];
}

export interface PrometheusFiles {
  readonly apiServer: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/**
 * The reference scrape config for Prometheus without prometheus-operator (docs/sandbox.md): pod discovery
 * against the API server, relabeled to what the storefront chart's PodMonitor produces (release,
 * namespace, pod, track), plus Traefik's own metrics.
 */
export function prometheusConfig(
  files: PrometheusFiles,
  ports: Ports,
  scrapeIntervalSeconds: number
): object {
  return {
    global: {
      scrape_interval: `${scrapeIntervalSeconds}s`,
      scrape_timeout: `${Math.round(scrapeIntervalSeconds * 800)}ms`,
      evaluation_interval: `${scrapeIntervalSeconds}s`
    },
    scrape_configs: [
      {
        job_name: 'storefront-pods',
        metrics_path: '/metrics',
        kubernetes_sd_configs: [
          {
            role: 'pod',
            api_server: files.apiServer,
            tls_config: { ca_file: files.caCert, cert_file: files.clientCert, key_file: files.clientKey }
          }
        ],
        relabel_configs: [
          // The PodMonitor's selector: app.kubernetes.io/name=storefront and a release label.
          {
            source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
            regex: 'storefront',
            action: 'keep'
          },
          { source_labels: ['__meta_kubernetes_pod_label_release'], regex: '.+', action: 'keep' },
          // podMetricsEndpoints port: http (one target per pod, on that container port).
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' },
          // Only running pods: a pending pod has no IP yet, a finished one no process.
          {
            source_labels: ['__meta_kubernetes_pod_phase'],
            regex: 'Pending|Succeeded|Failed',
            action: 'drop'
          },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
          // podTargetLabels: [release, track]
          { source_labels: ['__meta_kubernetes_pod_label_release'], target_label: 'release' },
          { source_labels: ['__meta_kubernetes_pod_label_track'], target_label: 'track' }
        ]
      },
      {
        job_name: 'traefik',
        static_configs: [{ targets: [`127.0.0.1:${ports.traefikMetrics}`] }]
      }
    ]
  };
}

export function writePrometheusConfig(file: string, config: object): string {
  writeFileSync(file, stringify(config));
  return file;
}

export function prometheusArgs(configFile: string, dataDir: string, ports: Ports): string[] {
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${ports.prometheus}`,
    '--storage.tsdb.retention.time=1d',
    '--log.level=warn'
  ];
}

export function stateFile(stateDir: string, name: string): string {
  return path.join(stateDir, name);
}
