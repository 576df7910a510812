// Wald's bound on the expected time to detect an error-rate regression (JUDGE.md): with an unknown
// baseline, canary share w of R rps, the information rate is
//   D* = min_q [R w KL(p1||q) + R (1-w) KL(p0||q)], q* = w p1 + (1-w) p0,
// and no test at false-rollback rate alpha stops faster on average than about ln(1/alpha) / D*.
import { bernoulliKl } from '../src/judge/math.js';
import { weightAt, type Scenario } from './scenario.js';

export function informationRate(rps: number, w: number, p0: number, p1: number): number {
  if (w <= 0 || w >= 1) return 0;
  const q = w * p1 + (1 - w) * p0;
  return rps * (w * bernoulliKl(p1, q) + (1 - w) * bernoulliKl(p0, q));
}

/** [(1-beta) ln((1-beta)/alpha) + beta ln(beta/(1-alpha))]; beta = 0 gives ln(1/alpha). */
export function waldNumerator(alpha: number, beta = 0): number {
  const b = beta > 0 ? beta * Math.log(beta / (1 - alpha)) : 0;
  return (1 - beta) * Math.log((1 - beta) / alpha) + b;
}

export function waldBoundSeconds(
  rps: number,
  w: number,
  p0: number,
  p1: number,
  alpha: number,
  beta = 0
): number {
  return waldNumerator(alpha, beta) / informationRate(rps, w, p0, p1);
}

/**
 * The bound for a scenario's error regression: the time by which the information rate, integrated
 * over its weight ladder, reaches ln(1/alpha). null without an error regression, or when the ladder
 * never gathers enough information (e.g. a 100% step leaves no stable traffic to compare).
 */
export function scenarioWaldBound(s: Scenario): number | null {
  const { stable: p0, canary: p1 } = s.errors;
  if (p1 <= p0) return null;
  const target = waldNumerator(s.alpha);
  if (s.weights.length === 1) {
    const d = informationRate(s.rps, s.weights[0].weight, p0, p1);
    return d > 0 ? target / d : null;
  }
  let gathered = 0;
  const limit = Math.max(s.horizonSeconds, s.weights[s.weights.length - 1].atSecond) * 10;
  for (let t = 0; t < limit; t++) {
    const d = informationRate(s.rps, weightAt(s, t), p0, p1);
    if (gathered + d >= target) return t + (target - gathered) / d;
    gathered += d;
  }
  return null;
}
