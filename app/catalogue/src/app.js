// createCatalogue(): the catalogue API's HTTP server: GET /products and GET /products/:id as JSON, with
// probes, metrics, fault injection and graceful shutdown. server.js wires it to the environment and to
// signals; tests start it in-process.
import http from 'node:http';
import { createMetrics } from './metrics.js';
import { createFaults, sleep } from './faults.js';
import { findProduct, listProducts } from './products.js';

const UNMATCHED_ROUTE = 'unmatched';
const PRODUCT_PATH = /^\/products\/([^/]+)$/;

function defaultLog(event) {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...event }));
}

function sendJson(res, status, value) {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store'
  });
  res.end(body);
}

function sendText(res, status, body, contentType = 'text/plain') {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

// The route template is the `route` label of the HTTP metrics, so label cardinality stays bounded.
function matchRoute(pathname) {
  if (pathname === '/products') return { template: '/products', params: {} };
  const match = PRODUCT_PATH.exec(pathname);
  if (match) return { template: '/products/:id', params: { id: decodeURIComponent(match[1]) } };
  return undefined;
}

export function createCatalogue(options = {}) {
  const config = {
    port: 8080,
    host: '127.0.0.1',
    version: '0.0.0-dev',
    release: 'catalogue',
    track: 'stable',
    pod: 'catalogue-local',
    startupDelayMs: 200,
    shutdownTimeoutMs: 20000,
    collectDefaultMetrics: true,
    random: Math.random,
    log: defaultLog,
    ...options,
    faults: { ...options.faults }
  };
  const { version, release, track, log } = config;
  const metrics = createMetrics({
    version,
    track,
    release,
    collectDefaultMetrics: config.collectDefaultMetrics
  });
  const faults = createFaults(config.faults, config.random);

  let ready = false;
  let shuttingDown = false;
  let warmUpTimer;
  let stopping;

  // Probes and scrapes: never faulted, never counted in the HTTP metrics (they would dilute error rates).
  async function handleOps(pathname, res) {
    if (pathname === '/healthz') return (sendText(res, 200, 'ok\n'), true);
    if (pathname === '/readyz') {
      const [status, body] = shuttingDown
        ? [503, 'shutting down\n']
        : ready
          ? [200, 'ready\n']
          : [503, 'starting\n'];
      return (sendText(res, status, body), true);
    }
    if (pathname === '/metrics') {
      sendText(res, 200, await metrics.exposition(), metrics.contentType);
      return true;
    }
    return false;
  }

  async function handleApi(req, res, pathname) {
    const route = matchRoute(pathname);
    const started = process.hrtime.bigint();
    metrics.requestStarted();
    res.once('close', () => {
      metrics.requestFinished();
      metrics.observeRequest(
        req.method,
        route ? route.template : UNMATCHED_ROUTE,
        res.statusCode,
        Number(process.hrtime.bigint() - started) / 1e9
      );
    });

    await sleep(faults.delayMs());
    if (faults.shouldFailRequest()) return sendJson(res, 500, { error: 'Injected fault.' });
    if (!route) return sendJson(res, 404, { error: `Not found: ${pathname}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `Method not allowed: ${req.method}` });
    }
    if (route.template === '/products') return sendJson(res, 200, { version, products: listProducts() });
    const product = findProduct(route.params.id);
    if (!product) return sendJson(res, 404, { error: `No product "${route.params.id}"` });
    return sendJson(res, 200, { version, product });
  }

  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = new URL(req.url ?? '/', 'http://catalogue.local').pathname;
    } catch {
      pathname = '/';
    }
    // Every answer says who gave it, so a client can count requests per arm from the answers alone.
    res.setHeader('X-Catalogue-Release', release);
    res.setHeader('X-Catalogue-Track', track);
    res.setHeader('X-Catalogue-Pod', config.pod);
    if (shuttingDown) res.setHeader('Connection', 'close');
    handleOps(pathname, res)
      .then((handled) => (handled ? undefined : handleApi(req, res, pathname)))
      .catch((error) => {
        log({ level: 'error', msg: 'unhandled request error', error: String(error) });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
  });

  function start(port = config.port, host = config.host) {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        // The warm-up stands in for real start-up work (caches, connections) that gates readiness.
        warmUpTimer = setTimeout(() => {
          ready = true;
          log({ level: 'info', msg: 'ready', version, release, track });
        }, config.startupDelayMs);
        log({
          level: 'info',
          msg: 'listening',
          host: address.address,
          port: address.port,
          version,
          release,
          track
        });
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  // Readiness goes 503, the listener closes and in-flight requests finish; past shutdownTimeoutMs the
  // remaining connections are cut. Resolves { forced }.
  function stop() {
    if (stopping) return stopping;
    shuttingDown = true;
    clearTimeout(warmUpTimer);
    stopping = (async () => {
      if (!server.listening) return { forced: false };
      let forced = false;
      const closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      clearInterval(sweeper);
      clearTimeout(deadline);
      log({ level: 'info', msg: 'stopped', forced });
      return { forced };
    })();
    return stopping;
  }

  return { server, start, stop, config, isReady: () => ready && !shuttingDown };
}
