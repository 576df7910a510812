// Fault injection, to play a bad release on purpose: a share of 5xx answers, extra latency on a share
// of requests, a drop in checkout success and a crash some time after start-up. All off by default.
// `random` is injectable so tests can force each branch.

export function createFaults(
  { errorRate = 0, latencyMs = 0, latencyFraction = 1, checkoutFailureRate = 0, crashAfterSeconds = 0 } = {},
  random = Math.random
) {
  return {
    // A rate of 1 must always fire and a rate of 0 never, whatever random() returns in [0, 1).
    shouldFailRequest: () => errorRate > 0 && random() < errorRate,
    shouldFailCheckout: () => checkoutFailureRate > 0 && random() < checkoutFailureRate,
    delayMs: () => (latencyMs > 0 && latencyFraction > 0 && random() < latencyFraction ? latencyMs : 0),
    // Returns a cancel function; onCrash is process.exit(1) in production.
    scheduleCrash(onCrash) {
      if (!(crashAfterSeconds > 0)) return () => {};
      const timer = setTimeout(onCrash, crashAfterSeconds * 1000);
      timer.unref(); // the listening server keeps the process alive; this timer alone should not
      return () => clearTimeout(timer);
    }
  };
}

// Unref'd: a delayed request whose connection was cut at shutdown must not hold the process open.
export function sleep(ms) {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
