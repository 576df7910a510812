// The errors test shaped by the rollout's plan (issue 14): the smallest ratio a plan can confirm,
// the design it leads to, that the designed test is still an e-process, and that the errors metric
// builds it from the first tick's traffic, never from how that tick's errors split.
import type { ErrorsMetricSpec } from '../../src/config/spec.js';
import { CANARY_ONLY, type CountTest } from '../../src/judge/count-eprocess.js';
import {
  planInformation,
  smallestDetectableRatio,
  type ErrorsOutlook
} from '../../src/judge/detectable-ratio.js';
import { ErrorsMetric } from '../../src/judge/errors-metric.js';
import {
  createErrorsTest,
  designErrorsTest,
  ERRORS_GRID,
  ERRORS_PLUGIN,
  PLUGIN_PRIOR_FACTOR
} from '../../src/judge/errors-test.js';
import { bernoulliKl } from '../../src/judge/math.js';
import type { TickObservation } from '../../src/metrics/types.js';
import { drawCountTick, nextTickMean } from './helpers/martingale.js';
import { Random } from './helpers/streams.js';

const L = Math.log(1 / 0.047);
/** 50 rps, 0.5% stable errors, one step: the benchmark's ordinary rollout at share w for 30 minutes. */
const outlook = (w: number, rps = 50, stableRate = 0.005, seconds = 1800): ErrorsOutlook => ({
  requestsPerSecond: rps,
  stableRate,
  plan: [{ weight: w, seconds }],
  logThreshold: L
});

describe('the smallest ratio a plan can confirm', () => {
  it('adds up events per second times nats per event over the steps, none at 100%', () => {
    const o: ErrorsOutlook = {
      requestsPerSecond: 50,
      stableRate: 0.005,
      plan: [
        { weight: 0.05, seconds: 300 },
        { weight: 0.5, seconds: 300 },
        { weight: 1, seconds: 900 }
      ],
      logThreshold: L
    };
    const step = (w: number, seconds: number, r: number): number => {
      const theta = (r * w) / (r * w + 1 - w);
      return seconds * 50 * 0.005 * (r * w + 1 - w) * bernoulliKl(theta, w);
    };
    expect(planInformation(3, o)).toBeCloseTo(step(0.05, 300, 3) + step(0.5, 300, 3), 10);
    expect(planInformation(1, o)).toBeCloseTo(0, 12);
  });

  it('is where the plan information reaches the threshold', () => {
    const o = outlook(0.2);
    const r = smallestDetectableRatio(o);
    expect(planInformation(r, o)).toBeGreaterThanOrEqual(L);
    expect(planInformation(r / 1.002, o)).toBeLessThan(L);
  });

  it('grows as the plan sees fewer events: a smaller share, less traffic, a shorter soak', () => {
    const ordinary = smallestDetectableRatio(outlook(0.2));
    expect(ordinary).toBeGreaterThan(1.2);
    expect(ordinary).toBeLessThan(1.4);
    expect(smallestDetectableRatio(outlook(0.01))).toBeGreaterThan(2);
    expect(smallestDetectableRatio(outlook(0.2, 1))).toBeGreaterThan(3);
    expect(smallestDetectableRatio(outlook(0.2, 50, 0.005, 300))).toBeGreaterThan(ordinary);
  });

  it('is Infinity when nothing can be learnt: no traffic, or only a 100% step', () => {
    expect(smallestDetectableRatio(outlook(0.2, 0))).toBe(Infinity);
    expect(smallestDetectableRatio({ ...outlook(0.2), plan: [{ weight: 1, seconds: 600 }] })).toBe(Infinity);
  });
});

describe('the errors test designed from the outlook', () => {
  it('is the fixed mixture without an outlook', () => {
    const d = designErrorsTest(null);
    expect(d.grid).toEqual([...ERRORS_GRID]);
    expect(d.plugin).toEqual(ERRORS_PLUGIN);
  });

  it('leaves out grid ratios the plan cannot confirm and bets the plug-in on a multiple of the smallest', () => {
    const o = outlook(0.01);
    const smallest = smallestDetectableRatio(o);
    const d = designErrorsTest(o);
    expect(d.grid.length).toBeLessThan(ERRORS_GRID.length);
    expect(d.grid.every((r) => r >= smallest)).toBe(true);
    expect(d.grid).toContain(CANARY_ONLY);
    expect(d.gridWeights).toHaveLength(d.grid.length);
    expect(d.plugin.priorRatio).toBeCloseTo(PLUGIN_PRIOR_FACTOR * smallest, 10);
  });

  it('keeps the whole grid at ordinary traffic and caps the plug-in against a clean stable', () => {
    expect(designErrorsTest(outlook(0.2)).grid).toEqual([...ERRORS_GRID]);
    // Stable clean over 30,000 requests reads as 0.5 / 30001: only ratios past 10 can be confirmed.
    const clean = designErrorsTest(outlook(0.2, 50, 0.5 / 30001));
    expect(clean.grid).toEqual([30, 100, CANARY_ONLY]);
    expect(clean.plugin.priorRatio).toBeGreaterThan(40);
    expect(designErrorsTest(outlook(0.2, 50, 1e-7)).plugin.priorRatio).toBe(ERRORS_PLUGIN.maxRatio);
  });

  it('is a martingale under H0 and a supermartingale for a better canary, whatever the outlook', () => {
    const rng = new Random(20261202);
    const outlooks = [outlook(0.2), outlook(0.01), outlook(0.2, 1), outlook(0.2, 50, 1e-5)];
    for (const o of outlooks) {
      for (let i = 0; i < 15; i++) {
        const past: Array<[number, number, number]> = [];
        for (let t = 0, n = 1 + Math.floor(rng.next() * 10); t < n; t++) {
          const theta0 = 0.02 + 0.9 * rng.next();
          const k = rng.poisson(2);
          const canary = rng.binomial(k, theta0);
          past.push([canary, k - canary, theta0]);
        }
        const theta0 = 0.02 + 0.9 * rng.next();
        const k = 1 + Math.floor(rng.next() * 5);
        const make = (): CountTest => createErrorsTest(null, o);
        expect(nextTickMean(make, past, k, theta0, theta0)).toBeCloseTo(1, 9);
        expect(nextTickMean(make, past, k, theta0, theta0 / 2)).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });

  it('crosses 1/alpha in at most alpha of simulated H0 runs at a 1% canary (seeded; Ville)', () => {
    const rng = new Random(11);
    const runs = 2000;
    let crossed = 0;
    for (let i = 0; i < runs; i++) {
      const e = createErrorsTest(null, outlook(0.01));
      for (let t = 0; t < 180; t++) {
        e.update(...drawCountTick(rng, 5, 495, 0.005));
        if (e.logEValue >= L) {
          crossed++;
          break;
        }
      }
    }
    expect(crossed / runs).toBeLessThan(0.047);
  });

  it('catches a tenfold regression at a 1% canary sooner than the fixed mixture', () => {
    // The same stream to both: 5% canary errors against 0.5%, 5 canary and 495 stable requests a tick.
    const rng = new Random(5);
    let designedFirst = 0;
    let fixedFirst = 0;
    for (let run = 0; run < 300; run++) {
      const designed = createErrorsTest(null, outlook(0.01));
      const fixed = createErrorsTest(null, null);
      let tDesigned = Infinity;
      let tFixed = Infinity;
      for (let t = 0; t < 180 && (tDesigned === Infinity || tFixed === Infinity); t++) {
        const nc = rng.poisson(5);
        const ns = rng.poisson(495);
        const tick: [number, number, number] = [
          rng.binomial(nc, 0.05),
          rng.binomial(ns, 0.005),
          nc / (nc + ns)
        ];
        designed.update(...tick);
        fixed.update(...tick);
        if (tDesigned === Infinity && designed.logEValue >= L) tDesigned = t;
        if (tFixed === Infinity && fixed.logEValue >= L) tFixed = t;
      }
      if (tDesigned < tFixed) designedFirst++;
      if (tFixed < tDesigned) fixedFirst++;
    }
    expect(designedFirst).toBeGreaterThan(2 * fixedFirst);
  });
});

describe('the errors metric builds its test from the first tick with traffic in both arms', () => {
  const spec: ErrorsMetricSpec = {
    kind: 'errors',
    name: 'e',
    title: '5xx rate',
    bad: '5xx',
    total: 'requests'
  };
  const tick = (at: number, c: [number, number] | null, s: [number, number] | null): TickObservation => ({
    at: new Date(at * 1000).toISOString(),
    elapsedSeconds: at,
    stepIndex: 0,
    weight: 1,
    stepElapsedSeconds: at,
    requests: { canary: c?.[1] ?? null, stable: s?.[1] ?? null },
    metrics: {
      e: {
        canary: c ? { kind: 'errors', bad: c[0], total: c[1] } : null,
        stable: s ? { kind: 'errors', bad: s[0], total: s[1] } : null
      }
    }
  });
  const plan = [{ weight: 0.01, seconds: 1800 }];
  const baseline = { kind: 'errors' as const, bad: 150, total: 30000 };

  it("uses that tick's request rate (each arm over the time since its last counts) and stable's baseline rate", () => {
    const metric = new ErrorsMetric(spec, { sequential: true, alpha: 0.047 }, baseline, plan);
    expect(metric.evidence().eValue).toBe(1);
    // Nothing from the canary at 10 s: no test yet. At 20 s both arms: the canary's 10 requests cover
    // 20 s (its first counts), stable's 990 the 10 s since its last: 0.5 + 99 requests a second.
    metric.observe(tick(10, null, [1, 500]));
    metric.observe(tick(20, [1, 10], [2, 990]));
    metric.observe(tick(30, [1, 5], [3, 495]));
    const expected = createErrorsTest(
      { bad: 150, total: 30000 },
      {
        requestsPerSecond: 10 / 20 + 990 / 10,
        stableRate: 150.5 / 30001,
        plan,
        logThreshold: Math.log(1 / 0.047)
      }
    );
    expected.update(1, 2, 10 / 1000);
    expected.update(1, 3, 5 / 500);
    expect(metric.evidence().eValue).toBeCloseTo(expected.eValue, 10);
    // A metric without a plan keeps the fixed mixture, which bets differently on the same ticks.
    const fixed = new ErrorsMetric(spec, { sequential: true, alpha: 0.047 }, baseline);
    for (const t of [tick(10, null, [1, 500]), tick(20, [1, 10], [2, 990]), tick(30, [1, 5], [3, 495])])
      fixed.observe(t);
    expect(Math.abs(fixed.evidence().eValue! - metric.evidence().eValue!)).toBeGreaterThan(1e-3);
  });

  it("without a baseline, takes stable's rate from the tick's total errors, not from their split", () => {
    // Same traffic and total errors, opposite splits: both tests must be the one design for that outlook.
    const o = { requestsPerSecond: 50, stableRate: 3.5 / 501, plan, logThreshold: Math.log(1 / 0.047) };
    for (const [c, s] of [
      [3, 0],
      [0, 3]
    ]) {
      const metric = new ErrorsMetric(spec, { sequential: true, alpha: 0.047 }, null, plan);
      metric.observe(tick(10, [c, 5], [s, 495]));
      const expected = createErrorsTest(null, o);
      expected.update(c, s, 5 / 500);
      expect(metric.evidence().eValue).toBeCloseTo(expected.eValue, 10);
    }
  });
});
