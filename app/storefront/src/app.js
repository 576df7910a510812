// createStorefront(): the shop's HTTP server: its pages, sessions, carts and fault injection. Probes,
// metrics scrape and graceful shutdown come from ../../shared/http-service.js; server.js wires it to the
// environment and to signals; tests start it in-process.
import { createHttpService, serviceDefaults } from '../../shared/http-service.js';
import { sleep } from '../../shared/request-faults.js';
import { createStore, isSessionId } from './store.js';
import { CART_COOKIE, createCartCookies } from './cart-cookie.js';
import { DEV_CART_SECRET } from './config.js';
import { createMetrics } from './metrics.js';
import { createFaults } from './faults.js';
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

export function createStorefront(options = {}) {
  const config = {
    ...serviceDefaults,
    release: 'storefront',
    pod: 'storefront-local',
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

  async function handleShop(req, res, pathname) {
    const { route, params, allowed } = findRoute(req.method, pathname);
    const label = route ? route.template : UNMATCHED_ROUTE;
    metrics.measureRequest(req, res, label);
    // The response's headers, for handlers to add cookies to (Connection: close while draining is set on res).
    const headers = {};

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

  const service = createHttpService({
    config,
    metrics,
    headerPrefix: 'X-Storefront',
    handle: handleShop,
    internalError: (res) => send(res, 500, 'internal error\n', { 'Content-Type': 'text/plain' }),
    // With the catalogue API the warm-up is real work: calls that open connections and warm the client's
    // code, so a new pod's first shoppers are not slower than a running pod's (a canary would be judged on that).
    warmUp: (isStopping) => products.warmUp?.(isStopping),
    onListening: () =>
      faults.scheduleCrash(() => {
        log({ level: 'error', msg: 'crashing on purpose (FAULT_CRASH_AFTER_SECONDS)' });
        config.onCrash();
      })
  });

  return { ...service, metrics, config };
}
