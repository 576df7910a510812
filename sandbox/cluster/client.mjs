// Starting the cluster daemon and talking to its control API (used by the helm shim, the demo, tests).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestJson } from '../lib/http-json.mjs';

const daemonScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'daemon.mjs');

/** Reads DIR/daemon.json; undefined when no daemon runs there. */
export function readDaemonInfo(stateDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, 'daemon.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Starts a daemon bound to this process's life and resolves once it serves.
 * @param {{ stateDir: string, prometheus?: boolean, images?: Record<string,string>, maxLifetimeSeconds?: number }} options
 */
export function startDaemon({ stateDir, prometheus = true, images, maxLifetimeSeconds = 1800 }) {
  fs.mkdirSync(stateDir, { recursive: true });
  const argv = [
    daemonScript,
    '--state',
    stateDir,
    '--max-lifetime',
    String(maxLifetimeSeconds),
    '--parent-pid',
    String(process.pid)
  ];
  if (!prometheus) argv.push('--no-prometheus');
  if (images) argv.push('--images', JSON.stringify(images));
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox daemon did not start within 60 s: ${stderr}`));
    }, 60000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox daemon exited with ${code} at start-up: ${stderr}`));
    });
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const info = JSON.parse(buffer.slice(0, newline));
      resolve(connect(info, child));
    });
  });
}

/** A client for a running daemon (info from daemon.json or startDaemon). */
export function connect(info, child) {
  const call = async (method, route, body, timeoutMs) => {
    const { status, data } = await requestJson(`${info.controlUrl}${route}`, { method, body, timeoutMs });
    if (status >= 400) {
      const error = new Error(data?.error ?? `daemon answered ${status}`);
      error.status = status;
      error.code = data?.code;
      throw error;
    }
    return data;
  };
  return {
    info,
    child,
    state: () => call('GET', '/state'),
    releases: (namespace) =>
      call('GET', `/releases${namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''}`),
    release: (namespace, name) =>
      call('GET', `/releases/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`).catch((e) => {
        if (e.status === 404) return undefined;
        throw e;
      }),
    operate: (namespace, name, op, body, timeoutMs = 3600000) =>
      call(
        'POST',
        `/releases/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${op}`,
        body,
        timeoutMs
      ),
    events: () => call('GET', '/events'),
    routerLog: () => call('GET', '/router/log'),
    routerStats: () => call('GET', '/router/stats'),
    stopPrometheus: () => call('POST', '/prometheus/stop'),
    startPrometheus: () => call('POST', '/prometheus/start', {}, 60000),
    /** Asks the daemon to stop everything and waits for it to exit. */
    async stop() {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 25000);
        await exited;
        clearTimeout(killer);
        return;
      }
      await call('POST', '/shutdown').catch(() => {});
    }
  };
}
