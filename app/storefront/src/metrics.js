// Prometheus metrics, named as the canary action's default queries expect. Each storefront instance
// gets its own registry so several can run in one process (tests) without clashing.
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
  const sessions = new client.Counter({
    name: 'storefront_sessions_total',
    help: 'Sessions started: first visits without an sf_session cookie.',
    registers: [register]
  });
  const checkouts = new client.Counter({
    name: 'storefront_checkouts_total',
    help: 'Orders completed.',
    registers: [register]
  });
  const checkoutFailures = new client.Counter({
    name: 'storefront_checkout_failures_total',
    help: 'Checkout attempts that failed at payment (answered with a 200 page, not a 5xx).',
    registers: [register]
  });
  const buildInfo = new client.Gauge({
    name: 'storefront_build_info',
    help: 'Always 1; the labels say which version, track and release this process runs.',
    labelNames: ['version', 'track', 'release'],
    registers: [register]
  });
  buildInfo.set({ version, track, release }, 1);

  // Zero the business counters up front, so each arm exposes a series before its first session
  // (a missing series and a zero are different things to the judge).
  sessions.inc(0);
  checkouts.inc(0);
  checkoutFailures.inc(0);

  if (collectDefaultMetrics) client.collectDefaultMetrics({ register });

  return {
    register,
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
    sessionStarted() {
      sessions.inc();
    },
    checkoutCompleted() {
      checkouts.inc();
    },
    checkoutFailed() {
      checkoutFailures.inc();
    },
    exposition() {
      return register.metrics();
    }
  };
}
