// The printed table's derived columns (issue 14): ratio to the bound floored at one tick, the
// false-rollback rate's 95% interval, and which scenarios count as A/A.
import { hasRegression, normalizeScenario } from '../../bench/scenario.js';
import { flooredBound, rateWithInterval, ratioToBound } from '../../bench/table.js';

describe('bench table columns', () => {
  it('floors the bound at one 10 s tick before taking the ratio', () => {
    expect(flooredBound(6.8)).toBe(10);
    expect(flooredBound(33.2)).toBe(33.2);
    expect(ratioToBound(10, 6.8)).toBe(1);
    expect(ratioToBound(50, 33.2)).toBeCloseTo(1.506, 3);
    expect(ratioToBound(null, 33.2)).toBeNull();
    expect(ratioToBound(50, null)).toBeNull();
  });

  it('prints a rate with its 95% Wilson interval', () => {
    // 46 of 2000: p = 0.023, z = 1.96 -> [0.0173, 0.0306]
    expect(rateWithInterval(0.023, 2000)).toBe('2.3% [1.7, 3.1]');
    expect(rateWithInterval(0, 1000)).toBe('0.0% [0.0, 0.4]');
  });

  it('counts a canary better than stable as A/A, a worse one as a regression', () => {
    expect(hasRegression(normalizeScenario({ name: 'better', errors: { canary: 0.0025 } }))).toBe(false);
    expect(hasRegression(normalizeScenario({ name: 'faster', latency: { canaryMedianFactor: 0.8 } }))).toBe(
      false
    );
    expect(hasRegression(normalizeScenario({ name: 'worse', errors: { canary: 0.01 } }))).toBe(true);
    expect(hasRegression(normalizeScenario({ name: 'zero', errors: { stable: 0, canary: 0.01 } }))).toBe(
      true
    );
  });
});
