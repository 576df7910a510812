// Prometheus metrics, named like the storefront's (http_requests_total, http_request_duration_seconds),
// so the canary action's built-in error-rate and latency queries and the sandbox's scrape work for the
// API unchanged. Each instance has its own registry so several can run in one process (tests).
import client from 'prom-client';

export function createMetrics({ version, track, release, collectDefaultMetrics = true }) {
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
    name: 'catalogue_build_info',
    help: 'Always 1; the labels say which version, track and release this process runs.',
    labelNames: ['version', 'track', 'release'],
    registers: [register]
  });
  buildInfo.set({ version, track, release }, 1);

  if (collectDefaultMetrics) client.collectDefaultMetrics({ register });

  return {
    contentType: register.contentType,
    observeRequest(method, route, code, seconds) {
      requests.inc({ method, route, code: String(code) });
      duration.observe({ method, route }, seconds);
    },
    requestStarted() {
      inFlight.inc();
    },
    requestFinished() {
      inFlight.dec();
    },
    exposition() {
      return register.metrics();
    }
  };
}
