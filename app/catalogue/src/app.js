// createCatalogue(): the catalogue API's HTTP server: GET /products and GET /products/:id as JSON, with
// fault injection. Probes, metrics and graceful shutdown come from ../../shared/http-service.js;
// server.js wires it to the environment and to signals; tests start it in-process.
import { createHttpMetrics } from '../../shared/http-metrics.js';
import { createHttpService, serviceDefaults } from '../../shared/http-service.js';
import { findProduct, listProducts } from '../../shared/products.js';
import { createRequestFaults, sleep } from '../../shared/request-faults.js';

const UNMATCHED_ROUTE = 'unmatched';
const PRODUCT_PATH = /^\/products\/([^/]+)$/;

function sendJson(res, status, value) {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store'
  });
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
    ...serviceDefaults,
    release: 'catalogue',
    pod: 'catalogue-local',
    ...options,
    faults: { ...options.faults }
  };
  const { version, release, track } = config;
  const metrics = createHttpMetrics({ app: 'catalogue', version, track, release });
  if (config.collectDefaultMetrics) metrics.collectDefaultMetrics();
  const faults = createRequestFaults(config.faults, config.random);

  async function handleApi(req, res, pathname) {
    const route = matchRoute(pathname);
    metrics.measureRequest(req, res, route ? route.template : UNMATCHED_ROUTE);

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

  const service = createHttpService({
    config,
    metrics,
    headerPrefix: 'X-Catalogue',
    handle: handleApi,
    internalError: (res) => sendJson(res, 500, { error: 'internal error' })
  });

  return { ...service, config };
}
