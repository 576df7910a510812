// Fault injection, to play a bad release on purpose: the request faults every app has (a share of 5xx
// answers, extra latency; ../../shared/request-faults.js), plus a drop in checkout success and a crash
// some time after start-up. All off by default. `random` is injectable so tests can force each branch.
import { createRequestFaults } from '../../shared/request-faults.js';

export function createFaults(
  { errorRate = 0, latencyMs = 0, latencyFraction = 1, checkoutFailureRate = 0, crashAfterSeconds = 0 } = {},
  random = Math.random
) {
  return {
    ...createRequestFaults({ errorRate, latencyMs, latencyFraction }, random),
    shouldFailCheckout: () => checkoutFailureRate > 0 && random() < checkoutFailureRate,
    // Returns a cancel function; onCrash is process.exit(1) in production.
    scheduleCrash(onCrash) {
      if (!(crashAfterSeconds > 0)) return () => {};
      const timer = setTimeout(onCrash, crashAfterSeconds * 1000);
      timer.unref(); // the listening server keeps the process alive; this timer alone should not
      return () => clearTimeout(timer);
    }
  };
}
