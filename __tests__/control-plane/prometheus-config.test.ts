// The Prometheus scrape config the sandbox runs is the one docs/sandbox.md gives users without
// prometheus-operator, and it keeps what the chart's PodMonitor keeps.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Ports } from '../../sandbox/control-plane/components.js';
import { prometheusConfig } from '../../sandbox/control-plane/prometheus-config.js';

const docs = readFileSync(path.resolve(import.meta.dirname, '../../docs/sandbox.md'), 'utf8');
const ports = { traefikMetrics: 9100 } as Ports;
const files = {
  apiServer: 'https://127.0.0.1:6443',
  caCert: '/path/to/ca.crt',
  clientCert: '/path/to/client.crt',
  clientKey: '/path/to/client.key'
};
type ScrapeConfig = {
  job_name: string;
  relabel_configs: { source_labels: string[]; target_label?: string; action?: string; regex?: string }[];
};

describe('the sandbox Prometheus config', () => {
  const config = prometheusConfig(files, ports, 15) as { scrape_configs: ScrapeConfig[] };
  const pods = config.scrape_configs.find((c) => c.job_name === 'storefront-pods')!;

  test('is the reference config documented in docs/sandbox.md', () => {
    const section = docs.slice(docs.indexOf('### Prometheus without prometheus-operator'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    expect(parse(block![1])).toEqual({ scrape_configs: [pods] });
  });

  test('labels targets namespace, pod, release and track from the pod, like the PodMonitor', () => {
    const targets = Object.fromEntries(
      pods.relabel_configs.filter((r) => r.target_label).map((r) => [r.target_label, r.source_labels[0]])
    );
    expect(targets).toMatchObject({
      namespace: '__meta_kubernetes_namespace',
      pod: '__meta_kubernetes_pod_name',
      release: '__meta_kubernetes_pod_label_release',
      track: '__meta_kubernetes_pod_label_track'
    });
    const keeps = pods.relabel_configs
      .filter((r) => r.action === 'keep')
      .map((r) => `${r.source_labels[0]}=${r.regex}`);
    expect(keeps).toEqual([
      '__meta_kubernetes_pod_label_app_kubernetes_io_name=storefront|catalogue',
      '__meta_kubernetes_pod_label_release=.+',
      '__meta_kubernetes_pod_container_port_name=http'
    ]);
  });

  test('also scrapes Traefik', () => {
    expect(config.scrape_configs.find((c) => c.job_name === 'traefik')).toEqual({
      job_name: 'traefik',
      static_configs: [{ targets: ['127.0.0.1:9100'] }]
    });
  });
});
