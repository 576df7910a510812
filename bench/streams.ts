// Per-second traffic for one run, drawn once and fed to every judge: Poisson arrivals split by the
// canary weight, binomial errors, and latency simulated directly as Prometheus bucket counts
// (a multinomial over the default buckets of a log-normal), never request by request.
import { normalCdf } from '../src/judge/math.js';
import type { Random } from './random.js';
import { errorRatesAt, weightAt, type Scenario } from './scenario.js';

/** prom-client's (and Prometheus client libraries') default histogram buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.25,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  Infinity
];
export const BUCKET_COUNT = DEFAULT_BUCKETS.length;

export interface Streams {
  seconds: number;
  nCanary: Int32Array;
  nStable: Int32Array;
  eCanary: Int32Array;
  eStable: Int32Array;
  /** Non-cumulative bucket counts, BUCKET_COUNT per second. */
  hCanary: Int32Array;
  hStable: Int32Array;
  /** Expected extra canary errors up to each second: prefix sums of n_canary * (p1 - p0). */
  excessPrefix: Float64Array;
}

/** P(latency <= L) for a log-normal with median m (ms) and sigma, a share `slow` of it shifted by extraMs. */
function latencyCdf(seconds: number, medianMs: number, sigma: number, slow: number, extraMs: number): number {
  const ms = seconds * 1000;
  const base = (x: number): number => (x <= 0 ? 0 : normalCdf(Math.log(x / medianMs) / sigma));
  return (1 - slow) * base(ms) + slow * base(ms - extraMs);
}

/** Probability of each (non-cumulative) bucket. */
export function bucketProbabilities(medianMs: number, sigma: number, slow = 0, extraMs = 0): Float64Array {
  const probs = new Float64Array(BUCKET_COUNT);
  let previous = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const cdf = Number.isFinite(DEFAULT_BUCKETS[i])
      ? latencyCdf(DEFAULT_BUCKETS[i], medianMs, sigma, slow, extraMs)
      : 1;
    probs[i] = Math.max(0, cdf - previous);
    previous = Math.max(previous, cdf);
  }
  return probs;
}

export interface LatencyModel {
  stable: Float64Array;
  canary: Float64Array;
}

export function latencyModel(s: Scenario): LatencyModel {
  const l = s.latency;
  return {
    stable: bucketProbabilities(l.medianMs, l.sigma),
    canary: bucketProbabilities(
      l.medianMs * l.canaryMedianFactor,
      l.sigma,
      l.canarySlowFraction,
      l.canarySlowExtraMs
    )
  };
}

export function drawStreams(s: Scenario, model: LatencyModel, rng: Random): Streams {
  const T = s.horizonSeconds;
  const st: Streams = {
    seconds: T,
    nCanary: new Int32Array(T),
    nStable: new Int32Array(T),
    eCanary: new Int32Array(T),
    eStable: new Int32Array(T),
    hCanary: new Int32Array(T * BUCKET_COUNT),
    hStable: new Int32Array(T * BUCKET_COUNT),
    excessPrefix: new Float64Array(T + 1)
  };
  for (let t = 0; t < T; t++) {
    const w = weightAt(s, t);
    const p = errorRatesAt(s, t);
    const n = rng.poisson(s.rps);
    const nc = rng.binomial(n, w);
    const ns = n - nc;
    st.nCanary[t] = nc;
    st.nStable[t] = ns;
    st.eCanary[t] = rng.binomial(nc, p.canary);
    st.eStable[t] = rng.binomial(ns, p.stable);
    rng.multinomial(nc, model.canary, st.hCanary, t * BUCKET_COUNT);
    rng.multinomial(ns, model.stable, st.hStable, t * BUCKET_COUNT);
    st.excessPrefix[t + 1] = st.excessPrefix[t] + nc * (p.canary - p.stable);
  }
  return st;
}

/** Stable's cumulative histogram before the canary exists: 10 minutes of all traffic. */
export function drawBaseline(
  s: Scenario,
  model: LatencyModel,
  rng: Random
): { buckets: Array<{ le: number; count: number }>; count: number } {
  const counts = new Int32Array(BUCKET_COUNT);
  const n = rng.poisson(s.rps * 600);
  rng.multinomial(n, model.stable, counts, 0);
  let running = 0;
  const buckets = DEFAULT_BUCKETS.map((le, i) => {
    running += counts[i];
    return { le, count: running };
  });
  return { buckets, count: running };
}

/** Cumulative histogram of seconds [from, to) of one arm's bucket stream. */
export function histogramOver(
  h: Int32Array,
  from: number,
  to: number
): { buckets: Array<{ le: number; count: number }>; count: number } {
  const sums = new Array<number>(BUCKET_COUNT).fill(0);
  for (let t = from; t < to; t++) {
    const base = t * BUCKET_COUNT;
    for (let i = 0; i < BUCKET_COUNT; i++) sums[i] += h[base + i];
  }
  let running = 0;
  const buckets = DEFAULT_BUCKETS.map((le, i) => {
    running += sums[i];
    return { le, count: running };
  });
  return { buckets, count: running };
}

export function sumOver(a: Int32Array, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) sum += a[t];
  return sum;
}
