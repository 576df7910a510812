// Checks shared by the errors test's suites: the exact conditional mean of the next tick's factor,
// and one tick of Poisson traffic with binomial errors (the benchmark's model).
import type { CountTest } from '../../../src/judge/count-eprocess.js';
import type { Random } from './streams.js';

/** One tick as CountTest.update takes it: canary errors, stable errors, the canary's share of requests. */
export type CountTick = [number, number, number];

/** Binomial(k, p) probabilities. */
export function binomialPmf(k: number, p: number): number[] {
  const out: number[] = [];
  let c = 1;
  for (let x = 0; x <= k; x++) {
    out.push(c * p ** x * (1 - p) ** (k - x));
    c = (c * (k - x)) / (x + 1);
  }
  return out;
}

/** E[E_{t+1} | past] / E_t, exactly: replay the past, then every outcome of the next tick's k errors. */
export function nextTickMean(
  make: () => CountTest,
  past: CountTick[],
  k: number,
  theta0: number,
  theta: number
): number {
  const replay = (extra?: CountTick): number => {
    const e = make();
    for (const tick of extra ? [...past, extra] : past) e.update(...tick);
    return e.logEValue;
  };
  const now = replay();
  return binomialPmf(k, theta).reduce((sum, p, x) => sum + p * Math.exp(replay([x, k - x, theta0]) - now), 0);
}

/** A tick of Poisson requests to each arm (means given) with errors at each arm's rate. */
export function drawCountTick(
  rng: Random,
  canaryRequests: number,
  stableRequests: number,
  canaryRate: number,
  stableRate = canaryRate
): CountTick {
  const nc = rng.poisson(canaryRequests);
  const ns = rng.poisson(stableRequests);
  return [rng.binomial(nc, canaryRate), rng.binomial(ns, stableRate), nc / (nc + ns)];
}
