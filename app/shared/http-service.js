// createHttpService(): what an app's HTTP server does besides its own routes. The probes and the metrics
// scrape; headers that say which release, track and pod answered; readiness after a warm-up; graceful
// shutdown. The app gives `handle(req, res, pathname)` for everything else.
import http from 'node:http';
import { logJson } from './json-log.js';
import { sleep } from './request-faults.js';

// What createStorefront() and createCatalogue() assume when an option is not given (tests give few).
export const serviceDefaults = {
  port: 8080,
  host: '127.0.0.1',
  version: '0.0.0-dev',
  track: 'stable',
  startupDelayMs: 200,
  shutdownDrainMs: 0,
  shutdownTimeoutMs: 20000,
  collectDefaultMetrics: true,
  random: Math.random,
  log: logJson
};

function sendText(res, status, body, contentType = 'text/plain') {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

// The request's path; an unparsable target reads as "/" rather than failing the request.
function pathnameOf(req) {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

/**
 * config: { port, host, version, release, track, pod, startupDelayMs, shutdownDrainMs, shutdownTimeoutMs, log }.
 * headerPrefix: "X-Storefront" gives X-Storefront-Release, -Track and -Pod on every answer.
 * internalError(res): the app's answer when a request fails unexpectedly before its headers went out.
 * warmUp(isStopping): optional start-up work that gates readiness.
 * onListening(): optional; returns a function that undoes it at shutdown.
 */
export function createHttpService({
  config,
  metrics,
  headerPrefix,
  handle,
  internalError,
  warmUp = () => {},
  onListening = () => () => {}
}) {
  const { version, release, track, log } = config;
  let ready = false;
  let shuttingDown = false;
  let warmUpTimer;
  let undoOnListening = () => {};
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

  const server = http.createServer((req, res) => {
    const pathname = pathnameOf(req);
    // Every answer says who gave it, so a client can count requests per arm from the answers alone.
    res.setHeader(`${headerPrefix}-Release`, release);
    res.setHeader(`${headerPrefix}-Track`, track);
    res.setHeader(`${headerPrefix}-Pod`, config.pod);
    // While draining, ask keep-alive clients to reconnect (to a pod that is not going away).
    if (shuttingDown) res.setHeader('Connection', 'close');
    handleOps(pathname, res)
      .then((handled) => (handled ? undefined : handle(req, res, pathname)))
      .catch((error) => {
        log({ level: 'error', msg: 'unhandled request error', error: String(error) });
        if (!res.headersSent) internalError(res);
        else res.destroy();
      });
  });

  function start(port = config.port, host = config.host) {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        warmUpTimer = setTimeout(() => {
          void Promise.resolve(warmUp(() => shuttingDown)).then(() => {
            if (shuttingDown) return;
            ready = true;
            log({ level: 'info', msg: 'ready', version, release, track });
          });
        }, config.startupDelayMs);
        undoOnListening = onListening();
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

  // Readiness goes 503 first, then (after the optional drain delay, for endpoints to catch up) the
  // listener closes and in-flight requests finish. Past shutdownTimeoutMs the remaining connections are
  // cut. Resolves { forced }.
  function stop() {
    if (stopping) return stopping;
    shuttingDown = true;
    clearTimeout(warmUpTimer);
    undoOnListening();
    stopping = (async () => {
      await sleep(config.shutdownDrainMs);
      if (!server.listening) return { forced: false };
      let forced = false;
      const closed = new Promise((resolve) => server.close(() => resolve()));
      // Keep-alive sockets go idle as their last response ends; close them then rather than at their timeout.
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

  return { server, start, stop, isReady: () => ready && !shuttingDown };
}
