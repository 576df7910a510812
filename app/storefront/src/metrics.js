// Prometheus metrics: the HTTP ones every app has (../../shared/http-metrics.js) and the shop's own
// business counters, which a canary can be judged on too.
import { createHttpMetrics } from '../../shared/http-metrics.js';
import client from 'prom-client';

export function createMetrics({ version, track, release, collectDefaultMetrics = true }) {
  const http = createHttpMetrics({ app: 'storefront', version, track, release });
  const { register } = http;

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

  // Zero the business counters up front, so each arm exposes a series before its first session
  // (a missing series and a zero are different things to the judge).
  sessions.inc(0);
  checkouts.inc(0);
  checkoutFailures.inc(0);

  if (collectDefaultMetrics) http.collectDefaultMetrics();

  return {
    ...http,
    sessionStarted() {
      sessions.inc();
    },
    checkoutCompleted() {
      checkouts.inc();
    },
    checkoutFailed() {
      checkoutFailures.inc();
    }
  };
}
