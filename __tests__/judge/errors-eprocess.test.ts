// The errors test's new parts (issue 14): the "errors only on the canary" component, the predictable
// plug-in and their average. Hand-computed values, exact expectations under H0, a seeded simulation
// of the whole process under H0, and the directions the e-value must move in.
import { AverageEProcess } from '../../src/judge/average-eprocess.js';
import { canaryOnlyShare, MAX_CANARY_ONLY_SHARE } from '../../src/judge/baseline-prior.js';
import { CANARY_ONLY, CountEProcess, tickLogFactor, type CountTest } from '../../src/judge/count-eprocess.js';
import { createErrorsTest, ERRORS_GRID } from '../../src/judge/errors-test.js';
import { PluginCountEProcess } from '../../src/judge/plugin-eprocess.js';
import { binomialPmf, drawCountTick, nextTickMean } from './helpers/martingale.js';
import { Random } from './helpers/streams.js';

/** E[one tick's factor] when each of k events is the canary's with probability theta. */
function expectedFactor(r: number, theta0: number, theta: number, k: number): number {
  return binomialPmf(k, theta).reduce(
    (sum, p, x) => sum + p * Math.exp(tickLogFactor(r, theta0, x, k - x)),
    0
  );
}

describe('"errors only on the canary" (r = Infinity, theta -> 1)', () => {
  it('multiplies E by 1/theta0 per canary error until stable has one, then is 0 for good', () => {
    const e = new CountEProcess([CANARY_ONLY]);
    e.update(2, 0, 0.2); // (1/0.2)^2 = 25
    expect(e.eValue).toBeCloseTo(25, 10);
    e.update(1, 0, 0.25); // x 4 = 100
    expect(e.eValue).toBeCloseTo(100, 10);
    e.update(0, 1, 0.2);
    expect(e.eValue).toBe(0);
    e.update(5, 0, 0.2);
    expect(e.eValue).toBe(0);
  });

  it('averages with a finite ratio as a mixture should', () => {
    // r = 10, theta0 = 0.2: theta = 2/2.8; 2 canary errors -> (10/2.8)^2 = 12.7551. Mixture (1:1): (25 + 12.7551)/2.
    const mix = new CountEProcess([10, CANARY_ONLY], [1, 1]);
    mix.update(2, 0, 0.2);
    expect(mix.eValue).toBeCloseTo((25 + (10 / 2.8) ** 2) / 2, 9);
    // A stable error removes the canary-only half: (10/2.8)^2 * (0.8/2.8)/0.8 / 2.
    mix.update(0, 1, 0.2);
    expect(mix.eValue).toBeCloseTo(((10 / 2.8) ** 2 * (1 - 2 / 2.8)) / 0.8 / 2, 9);
  });

  it('has expectation exactly 1 per tick under H0 and below 1 for a better canary', () => {
    for (const k of [1, 3, 8]) {
      expect(expectedFactor(CANARY_ONLY, 0.2, 0.2, k)).toBeCloseTo(1, 12);
      expect(expectedFactor(100, 0.05, 0.05, k)).toBeCloseTo(1, 12);
      expect(expectedFactor(CANARY_ONLY, 0.2, 0.1, k)).toBeLessThan(1);
      expect(expectedFactor(30, 0.2, 0.15, k)).toBeLessThan(1);
    }
  });
});

describe('predictable plug-in', () => {
  it('bets the prior ratio first, then the estimate from past ticks, by hand', () => {
    const p = new PluginCountEProcess({ priorRatio: 5, priorEvents: 1, maxRatio: 100 });
    expect(p.ratio).toBe(5);
    // Tick 1 at r = 5, theta0 = 0.2: theta = 1/1.8; 2 canary, 1 stable:
    // 2 ln(2.7778) + ln(0.44444/0.8) = 2.04330 - 0.58779 = 1.45551
    p.update(2, 1, 0.2);
    expect(p.logEValue).toBeCloseTo(2 * Math.log(1 / 1.8 / 0.2) + Math.log((1 - 1 / 1.8) / 0.8), 10);
    expect(p.logEValue).toBeCloseTo(1.45551, 4);
    // The next bet: (C + 5 * 1) / (D + 1) with C = 2, D = 1 stable error x odds 0.25 -> 7 / 1.25 = 5.6
    expect(p.ratio).toBeCloseTo(5.6, 12);
    // Tick 2 is bet at 5.6, fixed before it was seen.
    const before = p.logEValue;
    p.update(1, 0, 0.5);
    expect(p.logEValue - before).toBeCloseTo(tickLogFactor(5.6, 0.5, 1, 0), 12);
  });

  it('never bets below 1 or above its ceiling', () => {
    const p = new PluginCountEProcess({ priorRatio: 5, priorEvents: 1, maxRatio: 20 });
    for (let i = 0; i < 20; i++) p.update(0, 10, 0.2); // stable-only errors: the estimate falls to 0
    expect(p.ratio).toBe(1);
    const logE = p.logEValue;
    p.update(0, 10, 0.2); // r = 1 bets nothing: E unchanged
    expect(p.logEValue).toBeCloseTo(logE, 12);
    const q = new PluginCountEProcess({ priorRatio: 5, priorEvents: 1, maxRatio: 20 });
    for (let i = 0; i < 5; i++) q.update(10, 0, 0.2);
    expect(q.ratio).toBe(20);
  });

  it('rejects options that would bet outside [1, a finite ceiling]', () => {
    expect(() => new PluginCountEProcess({ priorRatio: 0.5, priorEvents: 1, maxRatio: 10 })).toThrow(
      /priorRatio/
    );
    expect(() => new PluginCountEProcess({ priorRatio: 5, priorEvents: 1, maxRatio: Infinity })).toThrow();
  });
});

describe('the errors test (grid mixture + plug-in)', () => {
  it('is the weighted average of its parts', () => {
    const parts: CountTest[] = [new CountEProcess([2]), new CountEProcess([CANARY_ONLY])];
    const avg = new AverageEProcess(parts, [3, 1]);
    avg.update(2, 0, 0.2);
    // r = 2: (0.4/1.2/0.2)^2 = (5/3)^2; canary only: 25
    expect(avg.eValue).toBeCloseTo(0.75 * (5 / 3) ** 2 + 0.25 * 25, 9);
    expect(ERRORS_GRID).toEqual(expect.arrayContaining([30, 100, CANARY_ONLY]));
  });

  /** A seeded past: ticks of (canary, stable, theta0) with equal error rates. */
  function drawPast(rng: Random, ticks: number): Array<[number, number, number]> {
    const past: Array<[number, number, number]> = [];
    for (let t = 0; t < ticks; t++) {
      const theta0 = 0.02 + 0.9 * rng.next();
      const k = rng.poisson(3);
      const canary = rng.binomial(k, theta0);
      past.push([canary, k - canary, theta0]);
    }
    return past;
  }

  it('is a martingale under H0 and a supermartingale for a better canary (exact, on seeded pasts)', () => {
    const rng = new Random(20261201);
    for (let i = 0; i < 40; i++) {
      const past = drawPast(rng, 1 + Math.floor(rng.next() * 12));
      const theta0 = 0.02 + 0.9 * rng.next();
      const k = 1 + Math.floor(rng.next() * 6);
      expect(nextTickMean(createErrorsTest, past, k, theta0, theta0)).toBeCloseTo(1, 9);
      expect(nextTickMean(createErrorsTest, past, k, theta0, theta0 / 2)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('would fail that check if the plug-in peeked at the tick it bets on', () => {
    // A "plug-in" that bets on the current tick's own canary share is not predictable: not an e-process.
    class Peeking implements CountTest {
      logEValue = 0;
      get eValue(): number {
        return Math.exp(this.logEValue);
      }
      update(c: number, s: number, theta0: number): boolean {
        const share = Math.min(0.99, Math.max(theta0, c / (c + s)));
        const r = share / (1 - share) / (theta0 / (1 - theta0));
        this.logEValue += tickLogFactor(r, theta0, c, s);
        return true;
      }
    }
    expect(nextTickMean(() => new Peeking(), [[1, 2, 0.2]], 4, 0.2, 0.2)).toBeGreaterThan(1.5);
  });

  it('crosses 1/alpha in at most alpha of simulated H0 runs (seeded; Ville)', () => {
    const rng = new Random(7);
    const runs = 2000;
    let crossed = 0;
    for (let i = 0; i < runs; i++) {
      const e = createErrorsTest();
      for (const tick of drawPast(rng, 60)) {
        e.update(...tick);
        if (e.logEValue >= Math.log(20)) {
          crossed++;
          break;
        }
      }
    }
    expect(crossed / runs).toBeLessThan(0.05);
  });

  it('rises with canary errors and falls with stable errors', () => {
    const run = (canary: number, stable: number): number => {
      const e = createErrorsTest();
      for (let t = 0; t < 5; t++) e.update(canary, stable, 0.2);
      return e.logEValue;
    };
    expect(run(2, 4)).toBeGreaterThan(run(1, 4));
    expect(run(3, 4)).toBeGreaterThan(run(2, 4));
    expect(run(2, 6)).toBeLessThan(run(2, 4));
    // Canary errors with none on stable beat any mix: the canary-only component carries it.
    expect(run(2, 0)).toBeGreaterThan(run(2, 1));
    // At the H0 split exactly (1 of 5 errors on a 20% canary) the e-value goes nowhere.
    expect(run(1, 4)).toBeLessThan(Math.log(3));
  });
});

describe('stable\'s clean baseline moves weight onto "only the canary errs"', () => {
  const clean = { bad: 0, total: 30000 };

  it('moves a share that falls with the errors stable had before the canary', () => {
    expect(canaryOnlyShare(null)).toBe(0);
    expect(canaryOnlyShare({ bad: 0, total: 0 })).toBe(0);
    // MAX x (30000 / 31000)^0.5: the chance stable stays clean over its next 1000 requests.
    expect(canaryOnlyShare(clean)).toBeCloseTo(MAX_CANARY_ONLY_SHARE * Math.sqrt(30 / 31), 12);
    expect(canaryOnlyShare({ bad: 0, total: 1000 })).toBeCloseTo(MAX_CANARY_ONLY_SHARE * Math.sqrt(0.5), 12);
    expect(canaryOnlyShare({ bad: 150, total: 30000 })).toBeLessThan(0.01);
    expect(canaryOnlyShare({ bad: 5, total: 1000 })).toBeLessThan(0.03);
  });

  it('is the shipped mixture plus that share on r = Infinity, by hand', () => {
    const share = canaryOnlyShare(clean);
    const informed = createErrorsTest(clean);
    const plain = createErrorsTest();
    informed.update(2, 0, 0.2);
    plain.update(2, 0, 0.2);
    // (1 - share) * mixture + share * (1/0.2)^2
    expect(informed.eValue).toBeCloseTo((1 - share) * plain.eValue + share * 25, 9);
    // Stable's first error zeroes the canary-only part: what is left is the mixture's share.
    informed.update(0, 1, 0.2);
    plain.update(0, 1, 0.2);
    expect(informed.eValue).toBeCloseTo((1 - share) * plain.eValue, 9);
  });

  it('is still a martingale under H0 and a supermartingale for a better canary (exact, on seeded pasts)', () => {
    const rng = new Random(4242);
    for (let i = 0; i < 40; i++) {
      const past: Array<[number, number, number]> = [];
      const ticks = Math.floor(rng.next() * 8);
      for (let t = 0; t < ticks; t++) {
        const theta0 = 0.05 + 0.5 * rng.next();
        const k = rng.poisson(1);
        // Pasts where stable stays clean for a while, so the canary-only part is still alive.
        const canary = rng.next() < 0.7 ? k : rng.binomial(k, theta0);
        past.push([canary, k - canary, theta0]);
      }
      const theta0 = 0.05 + 0.5 * rng.next();
      const k = 1 + Math.floor(rng.next() * 4);
      const make = (): CountTest => createErrorsTest(clean);
      expect(nextTickMean(make, past, k, theta0, theta0)).toBeCloseTo(1, 9);
      expect(nextTickMean(make, past, k, theta0, theta0 / 3)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('keeps its mean at most 1 over whole seeded H0 runs, with stable clean before and during', () => {
    // Both arms at 1 error in 5000 requests, 500 requests a tick, a 20% canary, 40 ticks.
    const rng = new Random(99);
    const runs = 2000;
    let sum = 0;
    for (let i = 0; i < runs; i++) {
      const e = createErrorsTest(clean);
      for (let t = 0; t < 40; t++) e.update(...drawCountTick(rng, 100, 400, 0.0002));
      sum += e.eValue;
    }
    // The mean of a test martingale is 1; its sample mean here has a standard error of about 0.2.
    expect(sum / runs).toBeLessThan(1.6);
  });

  it('grows faster than the uninformed test on a canary-only stream', () => {
    const informed = createErrorsTest(clean);
    const plain = createErrorsTest();
    for (let t = 0; t < 2; t++) {
      informed.update(1, 0, 0.2);
      plain.update(1, 0, 0.2);
    }
    // Two canary errors and none on stable: about 0.96 x 25 against the mixture's 8.8.
    expect(informed.eValue).toBeGreaterThan(22);
    expect(plain.eValue).toBeLessThan(10);
    expect(informed.eValue).toBeGreaterThan(2.5 * plain.eValue);
  });
});
