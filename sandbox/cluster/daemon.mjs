#!/usr/bin/env node
// The sandbox "cluster": a long-running process that owns everything that lives on between `helm`
// calls (storefront processes, the router, Prometheus, release storage) and serves a small control
// API on a loopback port, written to DIR/daemon.json. It stops all it started on SIGINT/SIGTERM, when
// its parent dies, and after a hard maximum lifetime.
//
//   node sandbox/cluster/daemon.mjs --state DIR [--max-lifetime 1800] [--parent-pid PID]
//        [--no-prometheus] [--images '{"upcommerce/storefront":"app/storefront/src/server.js"}']
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createRouter } from '../router/router.mjs';
import { createCluster } from './cluster.mjs';
import { createPrometheus } from './prometheus.mjs';
import { createReleaseStore, ReleaseError } from './releases.mjs';
import { freePort } from '../lib/ports.mjs';
import { readJsonBody, sendJson } from '../lib/http-json.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: args } = parseArgs({
  options: {
    state: { type: 'string' },
    'max-lifetime': { type: 'string', default: '1800' },
    'parent-pid': { type: 'string' },
    'no-prometheus': { type: 'boolean', default: false },
    images: { type: 'string' }
  }
});
if (!args.state) {
  console.error('daemon: --state DIR is required');
  process.exit(2);
}
const stateDir = path.resolve(args.state);
fs.mkdirSync(stateDir, { recursive: true });
const daemonFile = path.join(stateDir, 'daemon.json');
const logFile = fs.openSync(path.join(stateDir, 'daemon.log'), 'a');
function log(event) {
  fs.writeSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
}

const images = {
  'upcommerce/storefront': path.join(repoRoot, 'app', 'storefront', 'src', 'server.js'),
  ...JSON.parse(args.images ?? process.env.SANDBOX_IMAGES ?? '{}')
};

const router = createRouter({ log });
const routerPort = await router.listen();
const prometheus = args['no-prometheus']
  ? undefined
  : createPrometheus({ dir: path.join(stateDir, 'prometheus'), port: await freePort(), log });
const cluster = createCluster({ stateDir, router, prometheus, images, log });
const releases = createReleaseStore({ dir: path.join(stateDir, 'releases'), cluster, log });

let shuttingDown;
async function shutdown(reason) {
  if (shuttingDown) return shuttingDown;
  shuttingDown = (async () => {
    log({ msg: 'shutting down', reason });
    const hardStop = setTimeout(() => process.exit(1), 20000);
    hardStop.unref();
    await Promise.race([cluster.shutdown(), new Promise((r) => setTimeout(r, 12000))]);
    cluster.killAll();
    await prometheus?.stop();
    await router.close();
    control.closeAllConnections?.();
    control.close();
    fs.rmSync(daemonFile, { force: true });
    process.exit(0);
  })();
  return shuttingDown;
}

function route(method, pathname) {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  return { method, parts };
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://daemon.local');
  const { method, parts } = route(req.method ?? 'GET', url.pathname);
  const [a, b, c, d] = parts;
  if (method === 'GET' && a === 'healthz') return sendJson(res, 200, { ok: true });
  if (method === 'GET' && a === 'state') {
    return sendJson(res, 200, {
      ...cluster.describe(),
      router: { url: `http://127.0.0.1:${routerPort}` },
      prometheus: prometheus ? { url: prometheus.url, running: prometheus.running } : null
    });
  }
  if (a === 'releases') {
    if (method === 'GET' && parts.length === 1) {
      return sendJson(res, 200, releases.list(url.searchParams.get('namespace') ?? undefined));
    }
    if (method === 'GET' && parts.length === 3) {
      const rel = releases.get(b, c);
      return rel
        ? sendJson(res, 200, rel)
        : sendJson(res, 404, { error: 'release: not found', code: 'not-found' });
    }
    if (method === 'POST' && parts.length === 4) {
      const body = await readJsonBody(req);
      if (d === 'upgrade') return sendJson(res, 200, { revision: await releases.upgrade(b, c, body) });
      if (d === 'rollback') return sendJson(res, 200, { revision: await releases.rollback(b, c, body) });
      if (d === 'uninstall')
        return sendJson(res, 200, { uninstalled: (await releases.uninstall(b, c, body)) ?? true });
    }
  }
  if (method === 'GET' && a === 'events') return sendJson(res, 200, releases.events());
  if (method === 'GET' && a === 'router' && b === 'log') return sendJson(res, 200, router.weightLog());
  if (method === 'GET' && a === 'router' && b === 'stats') return sendJson(res, 200, router.stats());
  if (method === 'POST' && a === 'prometheus' && prometheus) {
    if (b === 'stop') await prometheus.stop();
    else if (b === 'start') await prometheus.start();
    else return sendJson(res, 404, { error: `unknown prometheus action ${b}` });
    return sendJson(res, 200, { running: prometheus.running, url: prometheus.url });
  }
  if (method === 'POST' && a === 'shutdown') {
    sendJson(res, 200, { stopping: true });
    void shutdown('requested');
    return;
  }
  return sendJson(res, 404, { error: `no such endpoint: ${method} ${url.pathname}` });
}

const control = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    const status = error instanceof ReleaseError ? (error.code === 'not-found' ? 404 : 409) : 500;
    if (!(error instanceof ReleaseError))
      log({ level: 'error', msg: 'control API failed', error: String(error.stack) });
    if (!res.headersSent) sendJson(res, status, { error: error.message, code: error.code ?? 'internal' });
  });
});
const controlPort = await new Promise((resolve) =>
  control.listen(0, '127.0.0.1', () => resolve(control.address().port))
);

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('exit', () => {
  cluster.killAll();
  prometheus?.killNow();
});
process.on('uncaughtException', (error) => {
  log({ level: 'error', msg: 'uncaught', error: String(error.stack) });
  void shutdown('uncaught exception');
});

const maxLifetimeMs = Number(args['max-lifetime']) * 1000;
setTimeout(() => void shutdown(`max lifetime ${args['max-lifetime']} s reached`), maxLifetimeMs).unref();
if (args['parent-pid']) {
  const parent = Number(args['parent-pid']);
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      void shutdown(`parent ${parent} is gone`);
    }
  }, 1000).unref();
}

if (prometheus) await prometheus.start();

const info = {
  pid: process.pid,
  controlUrl: `http://127.0.0.1:${controlPort}`,
  routerUrl: `http://127.0.0.1:${routerPort}`,
  prometheusUrl: prometheus?.url ?? null,
  stateDir,
  startedAt: new Date().toISOString()
};
fs.writeFileSync(`${daemonFile}.tmp`, JSON.stringify(info, null, 2));
fs.renameSync(`${daemonFile}.tmp`, daemonFile);
log({ msg: 'daemon ready', ...info });
// The parent waits for this line (or for daemon.json).
process.stdout.write(`${JSON.stringify(info)}\n`);
