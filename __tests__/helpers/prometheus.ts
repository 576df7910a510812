// Test helpers around the REAL Prometheus (/usr/bin/prometheus, Debian's package): start it on a
// free loopback port with a temp config and TSDB, scraping local exporters whose counters the test
// sets, and stop it cleanly. Reusable: startPrometheus({ targets, scrapeInterval }) -> { url, stop, reload }.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';

export interface ScrapeTarget {
  /** host:port of a /metrics endpoint. */
  address: string;
  /** Target labels Prometheus attaches to every series (e.g. release, namespace). */
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Seconds; default 1. */
  scrapeInterval?: number;
  /** How long to wait for /-/ready; default 60 s (the machine is shared). */
  startTimeoutMs?: number;
}

export interface RunningPrometheus {
  url: string;
  /** Rewrite the scrape config (optionally with new targets) and reload it through /-/reload. */
  reload(targets?: ScrapeTarget[]): Promise<void>;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

function configYaml(targets: ScrapeTarget[], scrapeInterval: number): string {
  const interval = `${scrapeInterval}s`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: 'test',
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} }))
      }
    ]
  });
}

async function waitForReady(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus at ${url} not ready within ${timeoutMs} ms:\n${log()}`);
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const scrapeInterval = options.scrapeInterval ?? 1;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, configYaml(options.targets, scrapeInterval));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn'
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForReady(url, child, () => stderr, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    stop,
    async reload(targets = options.targets) {
      fs.writeFileSync(configFile, configYaml(targets, scrapeInterval));
      const response = await fetch(`${url}/-/reload`, { method: 'POST' });
      if (!response.ok)
        throw new Error(`prometheus reload failed: HTTP ${response.status} ${await response.text()}`);
    }
  };
}

/** One exposed sample: `name{labels} value`. */
export interface ExposedSeries {
  name: string;
  labels?: Record<string, string>;
  value: number;
}

export interface Exporter {
  /** host:port, for a ScrapeTarget. */
  address: string;
  /** Bumped by every publish(); exposed as `exporter_generation` so tests can wait for a scrape. */
  generation: number;
  /** Replace everything the exporter exposes. */
  publish(series: ExposedSeries[]): void;
  close(): Promise<void>;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A /metrics endpoint on 127.0.0.1 serving exactly the series the test publishes. */
export async function startExporter(initial: ExposedSeries[] = []): Promise<Exporter> {
  let series = initial;
  const exporter = { generation: 1 } as Exporter;
  const server = http.createServer((_req, res) => {
    const lines = [...series, { name: 'exporter_generation', value: exporter.generation }].map((s) => {
      const labels = Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      return `${s.name}${labels ? `{${labels}}` : ''} ${s.value}`;
    });
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  exporter.address = `127.0.0.1:${port}`;
  exporter.publish = (next) => {
    series = next;
    exporter.generation++;
  };
  exporter.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return exporter;
}

/** Poll an instant query until `accept` says yes; returns the result. */
export async function waitForQuery(
  url: string,
  query: string,
  accept: (result: Array<{ metric: Record<string, string>; value: [number, string] }>) => boolean,
  timeoutMs = 30_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { data?: { result?: any[] } };
    const result = body.data?.result ?? [];
    if (accept(result)) return;
    last = JSON.stringify(result);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`prometheus never satisfied ${query} within ${timeoutMs} ms; last result ${last}`);
}

/** Wait until Prometheus has scraped the exporter's current generation (so every series is current). */
export function waitForScrape(url: string, exporter: Exporter, timeoutMs?: number): Promise<void> {
  const generation = exporter.generation;
  return waitForQuery(
    url,
    `exporter_generation{instance="${exporter.address}"}`,
    (result) => result.some((r) => Number(r.value[1]) === generation),
    timeoutMs
  );
}
