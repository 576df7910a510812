// The benchmark's scenario format (a contract: others run their own scenarios through it) and its
// defaults. `normalizeScenario` fills the defaults and names the field when something is wrong.
import type { PlannedStep } from '../src/judge/types.js';

export interface ScenarioInput {
  name: string;
  rps?: number;
  canaryWeight?: number;
  weights?: Array<{ atSecond: number; weight: number }>;
  horizonSeconds?: number;
  runs?: number;
  seed?: number;
  alpha?: number;
  errors?: { stable?: number; canary?: number };
  latency?: {
    medianMs?: number;
    sigma?: number;
    canaryMedianFactor?: number;
    canarySlowFraction?: number;
    canarySlowExtraMs?: number;
  };
  drift?: { atSecond: number; durationSeconds: number; errorRate: number };
  counterResetAtSecond?: number;
  scrapeGapSeconds?: Array<[number, number]>;
}

export interface Scenario {
  name: string;
  rps: number;
  /** Ladder of canary shares (fractions), ascending in time, the first at second 0. */
  weights: Array<{ atSecond: number; weight: number }>;
  horizonSeconds: number;
  runs: number;
  seed: number;
  alpha: number;
  errors: { stable: number; canary: number };
  latency: {
    medianMs: number;
    sigma: number;
    canaryMedianFactor: number;
    canarySlowFraction: number;
    canarySlowExtraMs: number;
  };
  drift: { atSecond: number; durationSeconds: number; errorRate: number } | null;
  counterResetAtSecond: number | null;
  scrapeGapSeconds: Array<[number, number]>;
}

function check(ok: boolean, name: string, field: string, expected: string): void {
  if (!ok) throw new Error(`scenario "${name}": ${field} must be ${expected}`);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function normalizeScenario(raw: unknown, index = 0): Scenario {
  check(
    typeof raw === 'object' && raw !== null && !Array.isArray(raw),
    `#${index + 1}`,
    'each entry',
    'an object'
  );
  const s = raw as ScenarioInput;
  check(typeof s.name === 'string' && s.name.length > 0, `#${index + 1}`, 'name', 'a non-empty string');
  const name = s.name;
  const num = (
    value: unknown,
    field: string,
    fallback: number,
    ok: (x: number) => boolean,
    expected: string
  ): number => {
    if (value === undefined) return fallback;
    check(isNum(value) && ok(value), name, field, expected);
    return value as number;
  };
  const fraction = (x: number): boolean => x >= 0 && x <= 1;
  const rps = num(s.rps, 'rps', 50, (x) => x > 0, 'a number > 0');
  const horizonSeconds = Math.round(
    num(s.horizonSeconds, 'horizonSeconds', 1800, (x) => x >= 10, 'a number >= 10')
  );
  const runs = Math.round(num(s.runs, 'runs', 1000, (x) => x >= 1, 'a number >= 1'));
  const seed = num(s.seed, 'seed', 1, Number.isInteger, 'an integer');
  const alpha = num(s.alpha, 'alpha', 0.05, (x) => x > 0 && x < 1, 'a number in (0, 1)');
  let weights: Scenario['weights'];
  if (s.weights !== undefined) {
    check(
      Array.isArray(s.weights) && s.weights.length > 0,
      name,
      'weights',
      'a non-empty array of {atSecond, weight}'
    );
    weights = s.weights.map((w, i) => {
      check(isNum(w?.atSecond) && w.atSecond >= 0, name, `weights[${i}].atSecond`, 'a number >= 0');
      check(
        isNum(w?.weight) && w.weight > 0 && w.weight <= 1,
        name,
        `weights[${i}].weight`,
        'a fraction in (0, 1]'
      );
      return { atSecond: w.atSecond, weight: w.weight };
    });
    weights.sort((a, b) => a.atSecond - b.atSecond);
    check(weights[0].atSecond === 0, name, 'weights', 'a ladder whose first entry is at second 0');
  } else {
    const w = num(s.canaryWeight, 'canaryWeight', 0.2, (x) => x > 0 && x <= 1, 'a fraction in (0, 1]');
    weights = [{ atSecond: 0, weight: w }];
  }
  const e = s.errors ?? {};
  const l = s.latency ?? {};
  const errors = {
    stable: num(e.stable, 'errors.stable', 0.005, fraction, 'a fraction in [0, 1]'),
    canary: num(e.canary, 'errors.canary', 0.005, fraction, 'a fraction in [0, 1]')
  };
  const latency = {
    medianMs: num(l.medianMs, 'latency.medianMs', 100, (x) => x > 0, 'a number > 0'),
    sigma: num(l.sigma, 'latency.sigma', 0.6, (x) => x > 0, 'a number > 0'),
    canaryMedianFactor: num(
      l.canaryMedianFactor,
      'latency.canaryMedianFactor',
      1,
      (x) => x > 0,
      'a number > 0'
    ),
    canarySlowFraction: num(
      l.canarySlowFraction,
      'latency.canarySlowFraction',
      0,
      fraction,
      'a fraction in [0, 1]'
    ),
    canarySlowExtraMs: num(
      l.canarySlowExtraMs,
      'latency.canarySlowExtraMs',
      0,
      (x) => x >= 0,
      'a number >= 0'
    )
  };
  let drift: Scenario['drift'] = null;
  if (s.drift !== undefined) {
    const d = s.drift;
    check(
      typeof d === 'object' && d !== null,
      name,
      'drift',
      'an object {atSecond, durationSeconds, errorRate}'
    );
    drift = {
      atSecond: num(d.atSecond, 'drift.atSecond', NaN, (x) => x >= 0, 'a number >= 0'),
      durationSeconds: num(d.durationSeconds, 'drift.durationSeconds', NaN, (x) => x > 0, 'a number > 0'),
      errorRate: num(d.errorRate, 'drift.errorRate', NaN, fraction, 'a fraction in [0, 1]')
    };
  }
  const counterResetAtSecond =
    s.counterResetAtSecond === undefined
      ? null
      : num(s.counterResetAtSecond, 'counterResetAtSecond', 0, (x) => x >= 0, 'a number >= 0');
  const gaps = s.scrapeGapSeconds ?? [];
  check(Array.isArray(gaps), name, 'scrapeGapSeconds', 'an array of [from, to] pairs');
  const scrapeGapSeconds = gaps.map((g, i): [number, number] => {
    check(
      Array.isArray(g) && g.length === 2 && isNum(g[0]) && isNum(g[1]) && g[0] < g[1],
      name,
      `scrapeGapSeconds[${i}]`,
      'a pair [from, to] with from < to'
    );
    return [g[0], g[1]];
  });
  return {
    name,
    rps,
    weights,
    horizonSeconds,
    runs,
    seed,
    alpha,
    errors,
    latency,
    drift,
    counterResetAtSecond,
    scrapeGapSeconds
  };
}

/**
 * A regression: the canary is worse than stable in errors or latency. Otherwise the run is A/A (a
 * canary that is better counts as A/A: rolling it back is a false rollback).
 */
export function hasRegression(s: Scenario): boolean {
  return (
    s.errors.canary > s.errors.stable ||
    s.latency.canaryMedianFactor > 1 ||
    (s.latency.canarySlowFraction > 0 && s.latency.canarySlowExtraMs > 0)
  );
}

/** The plan the action would give the judge: the ladder's steps, the last one soaking to the horizon. */
export function scenarioPlan(s: Scenario): PlannedStep[] {
  return s.weights.map((w, i) => ({
    weight: w.weight,
    seconds: (i + 1 < s.weights.length ? s.weights[i + 1].atSecond : s.horizonSeconds) - w.atSecond
  }));
}

export function weightAt(s: Scenario, second: number): number {
  let w = s.weights[0].weight;
  for (const step of s.weights) if (step.atSecond <= second) w = step.weight;
  return w;
}

export function errorRatesAt(s: Scenario, second: number): { stable: number; canary: number } {
  const d = s.drift;
  if (d && second >= d.atSecond && second < d.atSecond + d.durationSeconds)
    return { stable: d.errorRate, canary: d.errorRate };
  return s.errors;
}

export function inScrapeGap(s: Scenario, second: number): boolean {
  return s.scrapeGapSeconds.some(([from, to]) => second >= from && second < to);
}
