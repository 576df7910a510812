// Test helper: seeded tick streams for the judges (Poisson arrivals, binomial errors and a
// latency histogram drawn as bucket counts), plus the analysis spec the tests judge with.
import { Random } from '../../../bench/random.js';
import { bucketProbabilities, DEFAULT_BUCKETS } from '../../../bench/streams.js';
import type { AnalysisSpec } from '../../../src/config/spec.js';
import type { HistogramCounts, TickObservation } from '../../../src/metrics/types.js';

export { Random };

export function analysis(overrides: Partial<AnalysisSpec> = {}): AnalysisSpec {
  return {
    requests: 'http_requests_total',
    metrics: [
      { kind: 'errors', name: 'error-rate', title: '5xx rate', bad: 'b', total: 't', max: 0.05 },
      {
        kind: 'latency',
        name: 'latency-p95',
        title: 'p95 latency',
        buckets: 'h',
        quantile: 0.95,
        maxMs: 1000
      }
    ],
    alpha: 0.05,
    minCanaryRequests: 50,
    maxExtraSoakSeconds: 300,
    noData: 'fail',
    maxMetricFailures: 5,
    ...overrides
  };
}

export function histogram(counts: ArrayLike<number>): HistogramCounts {
  let running = 0;
  const buckets = DEFAULT_BUCKETS.map((le, i) => {
    running += counts[i];
    return { le, count: running };
  });
  return { buckets, count: running };
}

export interface ArmModel {
  errorRate: number;
  medianMs: number;
  /** Log-normal sigma [0.6]. */
  sigma?: number;
  /** Milliseconds added to every request (a uniformly slower release) [0]. */
  extraMs?: number;
}

export interface StreamOptions {
  rps: number;
  /** Canary weight in percent, as the engine passes it. */
  weight: number;
  canary: ArmModel;
  stable: ArmModel;
  tickSeconds?: number;
}

/** One tick's raw draws for both arms. */
export function drawTick(rng: Random, o: StreamOptions, at: number): TickObservation {
  const seconds = o.tickSeconds ?? 10;
  const n = rng.poisson(o.rps * seconds);
  const nc = rng.binomial(n, o.weight / 100);
  const ns = n - nc;
  const arm = (count: number, model: ArmModel) => {
    const counts = new Int32Array(DEFAULT_BUCKETS.length);
    const extra = model.extraMs ?? 0;
    const probs = bucketProbabilities(model.medianMs, model.sigma ?? 0.6, extra > 0 ? 1 : 0, extra);
    rng.multinomial(count, probs, counts, 0);
    return { bad: rng.binomial(count, model.errorRate), histogram: histogram(counts) };
  };
  const c = arm(nc, o.canary);
  const s = arm(ns, o.stable);
  return {
    at: new Date(at * 1000).toISOString(),
    elapsedSeconds: at,
    stepIndex: 0,
    weight: o.weight,
    stepElapsedSeconds: at,
    requests: { canary: nc, stable: ns },
    metrics: {
      'error-rate': {
        canary: { kind: 'errors', bad: c.bad, total: nc },
        stable: { kind: 'errors', bad: s.bad, total: ns }
      },
      'latency-p95': {
        canary: { kind: 'latency', histogram: c.histogram },
        stable: { kind: 'latency', histogram: s.histogram }
      }
    }
  };
}

/** Stable's cumulative histogram before the canary: `requests` draws of the stable latency. */
export function baselineHistogram(
  rng: Random,
  requests: number,
  medianMs = 100,
  sigma = 0.6
): HistogramCounts {
  const counts = new Int32Array(DEFAULT_BUCKETS.length);
  rng.multinomial(requests, bucketProbabilities(medianMs, sigma), counts, 0);
  return histogram(counts);
}
