// Fault injection on every request, to play a bad release on purpose: a share of 5xx answers and extra
// latency on a share of requests. Both off by default. `random` is injectable so tests can force each branch.

export function createRequestFaults(
  { errorRate = 0, latencyMs = 0, latencyFraction = 1 } = {},
  random = Math.random
) {
  return {
    // A rate of 1 must always fire and a rate of 0 never, whatever random() returns in [0, 1).
    shouldFailRequest: () => errorRate > 0 && random() < errorRate,
    delayMs: () => (latencyMs > 0 && latencyFraction > 0 && random() < latencyFraction ? latencyMs : 0)
  };
}

// Unref'd: a delayed request whose connection was cut at shutdown must not hold the process open.
export function sleep(ms) {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
