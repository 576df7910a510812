import {
  counterDelta,
  forgetRestarted,
  referenceOf,
  seriesKey,
  takeDeltas,
  targetOf
} from '../../src/metrics/deltas.js';
import { histogramFromBuckets } from '../../src/metrics/histogram.js';
import type { CounterSeries } from '../../src/metrics/types.js';

const s = (labels: Record<string, string>, value: number): CounterSeries => ({ labels, value });

describe('counterDelta', () => {
  it('is the increase while the counter grows', () => expect(counterDelta(10, 15)).toBe(5));
  it('is the new value after a reset (counting from zero)', () => expect(counterDelta(10, 4)).toBe(4));
  it('is 0 for a small dip from a large value (HA pair, scrape jitter), not the whole count again', () => {
    expect(counterDelta(1_000_000, 999_997)).toBe(0);
    expect(counterDelta(200, 101)).toBe(0);
  });
  it('is a reset when the counter drops to near zero, or below half its value', () => {
    expect(counterDelta(1_000_000, 3)).toBe(3);
    expect(counterDelta(200, 99)).toBe(99);
  });
  it('is the full value for a series born since the reference', () =>
    expect(counterDelta(undefined, 7)).toBe(7));
});

describe('seriesKey', () => {
  it('ignores label order and __name__', () => {
    expect(seriesKey({ __name__: 'a', code: '200', pod: 'p' })).toBe(seriesKey({ pod: 'p', code: '200' }));
  });
  it('keeps histogram bounds apart', () => {
    expect(seriesKey({ le: '0.1' })).not.toBe(seriesKey({ le: '0.5' }));
  });
});

describe('takeDeltas', () => {
  const ref = referenceOf([
    s({ __name__: 'http_requests_total', instance: 'a', code: '200' }, 100),
    s({ instance: 'b', code: '200' }, 50)
  ]);

  it('applies growth, reset and new-series rules per series', () => {
    const { deltas, restarted } = takeDeltas(ref, [
      s({ instance: 'a', code: '200' }, 130), // grew by 30
      s({ instance: 'b', code: '200' }, 5), // b restarted
      s({ instance: 'b', code: '500' }, 2) // first 5xx on b: new series
    ]);
    expect(deltas.map((d) => d.value)).toEqual([30, 5, 2]);
    expect(deltas[0].labels).toEqual({ instance: 'a', code: '200' });
    expect([...restarted]).toEqual([targetOf({ instance: 'b' })]);
  });

  it('keeps the higher value as reference after a dip, so catching up is not counted twice', () => {
    const high = referenceOf([s({ instance: 'a', code: '500' }, 50_000)]);
    const dip = takeDeltas(high, [s({ instance: 'a', code: '500' }, 49_996)]);
    expect(dip.deltas.map((d) => d.value)).toEqual([0]);
    expect(dip.restarted.size).toBe(0);
    const back = takeDeltas(dip.snapshot, [s({ instance: 'a', code: '500' }, 50_002)]);
    expect(back.deltas.map((d) => d.value)).toEqual([2]);
  });

  it('remembers a series that vanished (a failed scrape) instead of recounting it', () => {
    const gap = takeDeltas(ref, [s({ instance: 'b', code: '200' }, 60)]);
    expect(gap.deltas.map((d) => d.value)).toEqual([10]);
    const back = takeDeltas(gap.snapshot, [s({ instance: 'a', code: '200' }, 104)]);
    expect(back.deltas.map((d) => d.value)).toEqual([4]);
  });

  it('forgets the absent series of a target that restarted, so they count from zero when they return', () => {
    const before = referenceOf([s({ instance: 'c', code: '200' }, 10), s({ instance: 'c', code: '503' }, 1)]);
    const restart = takeDeltas(before, [s({ instance: 'c', code: '200' }, 3)]);
    forgetRestarted(restart.snapshot, restart.present, restart.restarted);
    const after = takeDeltas(restart.snapshot, [
      s({ instance: 'c', code: '200' }, 8),
      s({ instance: 'c', code: '503' }, 1)
    ]);
    expect(after.deltas.map((d) => d.value)).toEqual([5, 1]);
  });

  it('sums series that only differed by __name__ and skips NaN', () => {
    const { deltas } = takeDeltas(new Map(), [
      s({ __name__: 'a_total', job: 'x' }, 2),
      s({ __name__: 'b_total', job: 'x' }, 3),
      s({ job: 'y' }, Number.NaN)
    ]);
    expect(deltas).toEqual([{ labels: { job: 'x' }, value: 5 }]);
  });
});

describe('histogramFromBuckets', () => {
  it('sums each bound over pods and routes, sorted, +Inf last', () => {
    const h = histogramFromBuckets([
      s({ pod: 'a', le: '+Inf' }, 10),
      s({ pod: 'a', le: '0.5' }, 8),
      s({ pod: 'a', le: '0.05' }, 3),
      s({ pod: 'b', le: '0.05' }, 1),
      s({ pod: 'b', le: '0.5' }, 4),
      s({ pod: 'b', le: '+Inf' }, 5)
    ]);
    expect(h).toEqual({
      count: 15,
      buckets: [
        { le: 0.05, count: 4 },
        { le: 0.5, count: 12 },
        { le: Infinity, count: 15 }
      ]
    });
  });

  it('keeps the buckets cumulative when per-series resets disagree', () => {
    const h = histogramFromBuckets([s({ le: '0.1' }, 6), s({ le: '1' }, 4), s({ le: '+Inf' }, 7)]);
    expect(h!.buckets.map((b) => b.count)).toEqual([6, 6, 7]);
  });

  it('is undefined without any le label', () => {
    expect(histogramFromBuckets([s({ code: '200' }, 1)])).toBeUndefined();
  });
});
