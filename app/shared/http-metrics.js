// The Prometheus metrics both apps expose, named as the canary action's built-in error-rate and latency
// queries expect (http_requests_total, http_request_duration_seconds). Each instance has its own registry
// so several can run in one process (tests); an app adds its own metrics to `register`.
import client from 'prom-client';

// `app` names the build-info gauge: storefront_build_info, catalogue_build_info.
export function createHttpMetrics({ app, version, track, release }) {
  const register = new client.Registry();

  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code (probes and scrapes excluded).',
    labelNames: ['method', 'route', 'code'],
    registers: [register]
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route template (probes and scrapes excluded).',
    labelNames: ['method', 'route'],
    registers: [register]
  });
  const inFlight = new client.Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being answered right now.',
    registers: [register]
  });
  const buildInfo = new client.Gauge({
    name: `${app}_build_info`,
    help: 'Always 1; the labels say which version, track and release this process runs.',
    labelNames: ['version', 'track', 'release'],
    registers: [register]
  });
  buildInfo.set({ version, track, release }, 1);

  function observeRequest(method, route, code, seconds) {
    requests.inc({ method, route, code: String(code) });
    duration.observe({ method, route }, seconds);
  }

  return {
    register,
    contentType: register.contentType,
    observeRequest,
    // Counts the request in flight now and, once its response is closed, by method, route and status.
    // `route` is a template (/products/:id), so label cardinality stays bounded.
    measureRequest(req, res, route) {
      const started = process.hrtime.bigint();
      inFlight.inc();
      res.once('close', () => {
        inFlight.dec();
        observeRequest(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      });
    },
    // Node's process metrics (CPU, memory, event loop); off in tests, where many instances share a process.
    collectDefaultMetrics() {
      client.collectDefaultMetrics({ register });
    },
    exposition() {
      return register.metrics();
    }
  };
}
