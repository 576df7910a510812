// Prometheus's configuration in the sandbox, also the reference for users without prometheus-operator
// (docs/sandbox.md): Kubernetes pod discovery relabeled like the storefront chart's PodMonitor.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Ports } from './components.js';

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
          // The PodMonitor's selector: app.kubernetes.io/name=storefront and a release label; the
          // catalogue API's pods (charts/catalogue) carry the same labels and metric names.
          {
            source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
            regex: 'storefront|catalogue',
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
      podinfoPods(files),
      {
        job_name: 'traefik',
        static_configs: [{ targets: [`127.0.0.1:${ports.traefikMetrics}`] }]
      }
    ]
  };
}

/**
 * podinfo's pods, the way a chart nobody here wrote is scraped with plain kubernetes_sd_configs: its
 * pods carry no `release` label, so the series get only namespace and pod (the metric sources select
 * podinfo's arms by pod name). podinfo serves /metrics on its own port (`http-metrics`, 9797), apart
 * from the app's port and its fault switches, so a faulty canary is still scraped every time.
 */
function podinfoPods(files: PrometheusFiles): object {
  return {
    job_name: 'podinfo-pods',
    metrics_path: '/metrics',
    kubernetes_sd_configs: [
      {
        role: 'pod',
        api_server: files.apiServer,
        tls_config: { ca_file: files.caCert, cert_file: files.clientCert, key_file: files.clientKey }
      }
    ],
    relabel_configs: [
      // The usual annotation (podinfo's chart sets it) and podinfo's metrics port by name.
      {
        source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
        regex: 'true',
        action: 'keep'
      },
      {
        source_labels: ['__meta_kubernetes_pod_container_port_name'],
        regex: 'http-metrics',
        action: 'keep'
      },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed', action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' }
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
