// createStorefront(): the HTTP server with its probes, metrics, sessions, fault injection and
// graceful shutdown. server.js wires it to the environment and to signals; tests start it in-process.
import http from 'node:http';
import { createStore, isSessionId } from './store.js';
import { CART_COOKIE, createCartCookies } from './cart-cookie.js';
import { DEV_CART_SECRET } from './config.js';
import { createMetrics } from './metrics.js';
import { createFaults, sleep } from './faults.js';
import { layout } from './html.js';
import { findRoute, messagePage } from './routes.js';
import { productSource } from './product-source.js';
import {
  HttpError,
  SESSION_COOKIE,
  addSetCookie,
  readCookie,
  send,
  sendHtml,
  sessionCookie
} from './http-utils.js';

const UNMATCHED_ROUTE = 'unmatched';

const cartCount = (lines) => lines.reduce((sum, line) => sum + line.qty, 0);

function defaultLog(event) {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...event }));
}

export function createStorefront(options = {}) {
  const config = {
    port: 8080,
    host: '127.0.0.1',
    version: '0.0.0-dev',
    release: 'storefront',
    track: 'stable',
    pod: 'storefront-local',
    startupDelayMs: 200,
    shutdownDrainMs: 0,
    shutdownTimeoutMs: 20000,
    collectDefaultMetrics: true,
    random: Math.random,
    log: defaultLog,
    onCrash: () => process.exit(1),
    cartSecret: DEV_CART_SECRET,
    ...options,
    faults: { ...options.faults }
  };
  const { version, release, track, log } = config;
  const store = createStore();
  const cartCookies = createCartCookies(config.cartSecret);
  const metrics = createMetrics({
    version,
    track,
    release,
    collectDefaultMetrics: config.collectDefaultMetrics
  });
  const faults = createFaults(config.faults, config.random);
  // The built-in catalogue, or the catalogue API at config.catalogueUrl (an injected one in tests).
  const products = config.products ?? productSource(config);

  let ready = false;
  let shuttingDown = false;
  let warmUpTimer;
  let cancelCrash = () => {};
  let stopping;

  // Probes and scrapes: never faulted, never counted in the HTTP metrics (they would dilute error rates).
  async function handleOps(pathname, res) {
    if (pathname === '/healthz') return (send(res, 200, 'ok\n', { 'Content-Type': 'text/plain' }), true);
    if (pathname === '/readyz') {
      const [status, body] = shuttingDown
        ? [503, 'shutting down\n']
        : ready
          ? [200, 'ready\n']
          : [503, 'starting\n'];
      return (send(res, status, body, { 'Content-Type': 'text/plain' }), true);
    }
    if (pathname === '/metrics') {
      send(res, 200, await metrics.exposition(), { 'Content-Type': metrics.contentType });
      return true;
    }
    return false;
  }

  async function handleShop(req, res, pathname, headers) {
    const { route, params, allowed } = findRoute(req.method, pathname);
    const label = route ? route.template : UNMATCHED_ROUTE;
    const started = process.hrtime.bigint();
    metrics.requestStarted();
    res.once('close', () => {
      metrics.requestFinished();
      metrics.observeRequest(
        req.method,
        label,
        res.statusCode,
        Number(process.hrtime.bigint() - started) / 1e9
      );
    });

    await sleep(faults.delayMs());
    if (faults.shouldFailRequest()) {
      return sendHtml(
        res,
        500,
        render(500, 'Error', messagePage('Something went wrong', 'Injected fault.')),
        headers
      );
    }
    if (!route) {
      if (allowed.length > 0) {
        return sendHtml(res, 405, render(0, 'Not allowed', messagePage('Method not allowed', req.method)), {
          ...headers,
          Allow: allowed.join(', ')
        });
      }
      return sendHtml(res, 404, render(0, 'Not found', messagePage('Not found', pathname)), headers);
    }

    // A session starts on the first visit to a shop page: no (valid) sf_session cookie yet. A shopper
    // who started elsewhere (another pod, the other arm) carries the cookie, so is not counted again.
    let sessionId = readCookie(req, SESSION_COOKIE);
    if (!isSessionId(sessionId)) {
      sessionId = store.newSessionId();
      addSetCookie(headers, sessionCookie(sessionId));
      metrics.sessionStarted();
    }
    const ctx = {
      req,
      res,
      params,
      sessionId,
      headers,
      store,
      metrics,
      faults,
      products,
      cartCookies,
      // The cart this request carries (empty when absent, tampered or another session's).
      cart: cartCookies.readCart(readCookie(req, CART_COOKIE), sessionId),
      page: (status, title, body) =>
        sendHtml(
          res,
          status,
          layout({ title, body, cartCount: cartCount(ctx.cart), version, track }),
          headers
        )
    };
    try {
      await route.handler(ctx);
    } catch (error) {
      if (res.headersSent) throw error;
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) log({ level: 'error', msg: 'request failed', route: label, error: String(error) });
      sendHtml(
        res,
        status,
        render(cartCount(ctx.cart), 'Error', messagePage(`Error ${status}`, error.message)),
        headers
      );
    }
  }

  function render(cartCount, title, body) {
    return layout({ title, body, cartCount, version, track });
  }

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://storefront.local').pathname;
    // Every answer says who gave it, so a client can count requests per arm from the answers alone.
    res.setHeader('X-Storefront-Release', release);
    res.setHeader('X-Storefront-Track', track);
    res.setHeader('X-Storefront-Pod', config.pod);
    // While draining, ask keep-alive clients to reconnect (to a pod that is not going away).
    const headers = shuttingDown ? { Connection: 'close' } : {};
    handleOps(pathname, res)
      .then((handled) => (handled ? undefined : handleShop(req, res, pathname, headers)))
      .catch((error) => {
        log({ level: 'error', msg: 'unhandled request error', error: String(error) });
        if (!res.headersSent) send(res, 500, 'internal error\n', { 'Content-Type': 'text/plain' });
        else res.destroy();
      });
  });

  function start(port = config.port, host = config.host) {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        // The warm-up stands in for real start-up work (caches, connections) that gates readiness. With the
        // catalogue API it is real: calls that open connections and warm the client's code, so a new pod's
        // first shoppers are not slower than a running pod's (a canary would be judged on that).
        warmUpTimer = setTimeout(() => {
          void Promise.resolve(products.warmUp?.(() => shuttingDown)).then(() => {
            if (shuttingDown) return;
            ready = true;
            log({ level: 'info', msg: 'ready', version, release, track });
          });
        }, config.startupDelayMs);
        cancelCrash = faults.scheduleCrash(() => {
          log({ level: 'error', msg: 'crashing on purpose (FAULT_CRASH_AFTER_SECONDS)' });
          config.onCrash();
        });
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

  // Readiness goes 503 first, then (after the optional drain delay) the listener closes and in-flight
  // requests finish. Past shutdownTimeoutMs the remaining connections are cut. Resolves { forced }.
  function stop() {
    if (stopping) return stopping;
    shuttingDown = true;
    clearTimeout(warmUpTimer);
    cancelCrash();
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

  return {
    server,
    start,
    stop,
    metrics,
    config,
    isReady: () => ready && !shuttingDown
  };
}
