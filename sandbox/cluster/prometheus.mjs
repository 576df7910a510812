// Debian's Prometheus on a loopback port, scraping every second through file-based discovery: the
// daemon rewrites one targets file (atomically) whenever a pod's process starts or exits, with the
// labels a Kubernetes scrape config would relabel in: namespace, pod, release, track.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';

export const PROMETHEUS_BINARY = process.env.SANDBOX_PROMETHEUS ?? '/usr/bin/prometheus';

function get(url, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export function scrapeConfig(targetsFile, scrapeIntervalSeconds = 1) {
  // JSON is YAML: no templating of a YAML string by hand.
  return JSON.stringify(
    {
      global: {
        scrape_interval: `${scrapeIntervalSeconds}s`,
        scrape_timeout: `${Math.round(scrapeIntervalSeconds * 800)}ms`,
        evaluation_interval: `${scrapeIntervalSeconds}s`
      },
      scrape_configs: [
        {
          job_name: 'storefront',
          metrics_path: '/metrics',
          file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }]
        }
      ]
    },
    null,
    2
  );
}

/** file_sd entries for running pods. */
export function targetsFor(pods) {
  return pods
    .filter((p) => p.alive)
    .map((p) => ({
      targets: [`127.0.0.1:${p.port}`],
      labels: {
        namespace: p.namespace,
        pod: p.name,
        release: p.labels.release ?? p.release,
        track: p.labels.track ?? 'stable',
        app: p.labels['app.kubernetes.io/name'] ?? ''
      }
    }));
}

/**
 * @param {{ dir: string, port: number, log?: (e: object) => void }} options
 */
export function createPrometheus({ dir, port, log = () => {} }) {
  const targetsFile = path.join(dir, 'targets.json');
  const configFile = path.join(dir, 'prometheus.yml');
  const dataDir = path.join(dir, 'tsdb');
  const logFile = path.join(dir, 'prometheus.log');
  let child;
  let lastTargets = '';
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(configFile, scrapeConfig(targetsFile));
  if (!fs.existsSync(targetsFile)) fs.writeFileSync(targetsFile, '[]');

  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    get running() {
      return Boolean(child) && child.exitCode === null && child.signalCode === null;
    },
    writeTargets(pods) {
      const text = JSON.stringify(targetsFor(pods), null, 1);
      if (text === lastTargets) return;
      lastTargets = text;
      const tmp = `${targetsFile}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, targetsFile);
    },
    async start(timeoutMs = 30000) {
      if (this.running) return;
      if (!fs.existsSync(PROMETHEUS_BINARY)) {
        throw new Error(
          `Prometheus is not installed at ${PROMETHEUS_BINARY} (apt-get install -y prometheus)`
        );
      }
      const out = fs.openSync(logFile, 'a');
      child = spawn(
        PROMETHEUS_BINARY,
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${dataDir}`,
          '--storage.tsdb.retention.time=2h',
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-lifecycle',
          '--log.level=warn'
        ],
        { stdio: ['ignore', out, out] }
      );
      fs.closeSync(out);
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        if (!this.running) throw new Error(`Prometheus exited at start-up; see ${logFile}`);
        if ((await get(`${url}/-/ready`)) === 200) {
          log({ msg: 'prometheus ready', url });
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`Prometheus did not become ready within ${timeoutMs} ms; see ${logFile}`);
    },
    async stop() {
      if (!this.running) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      log({ msg: 'prometheus stopped' });
    },
    killNow() {
      if (this.running) child.kill('SIGKILL');
    }
  };
}
