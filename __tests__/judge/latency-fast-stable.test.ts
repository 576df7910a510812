// The latency blind spot found in the sandbox: stable answers in a few milliseconds, so its p50, p90
// and p99 all sit in Prometheus's first bucket (5 ms), every exceedance bound collapses onto 5 ms and
// stable has (almost) no requests above it. The mSPRT alone could never reject there (it needs slow
// requests on both arms); the exact count e-process at the same bound must catch the canary.
import { DEFAULT_BUCKETS } from '../../bench/streams.js';
import { SequentialJudge } from '../../src/judge/index.js';
import { chooseBounds, LatencyExceedanceTest } from '../../src/judge/latency.js';
import type { Judge, Verdict } from '../../src/judge/types.js';
import {
  analysis,
  type ArmModel,
  baselineHistogram,
  drawTick,
  histogram,
  Random,
  type StreamOptions
} from './helpers/streams.js';

/** The storefront's stable arm: about 3 ms, all but a few in 1000 requests under 5 ms. */
const fastStable: ArmModel = { errorRate: 0, medianMs: 3, sigma: 0.15 };
/** The sandbox's bad canary: the same, plus 300 ms on every request, and no errors. */
const slowCanary: ArmModel = { ...fastStable, extraMs: 300 };
const sandbox: StreamOptions = {
  rps: 40,
  weight: 10,
  tickSeconds: 3,
  canary: slowCanary,
  stable: fastStable
};

/** Non-cumulative counts per default bucket (index 0 is le=5 ms, 6 is (250, 500] ms). */
function bucketCounts(filled: Record<number, number>): number[] {
  return DEFAULT_BUCKETS.map((_, i) => filled[i] ?? 0);
}

function startJudge(seed: number, stable: ArmModel): Judge {
  const judge = new SequentialJudge();
  const rng = new Random(seed + 1_000_000);
  judge.begin(analysis(), {
    stable: {
      'latency-p95': {
        kind: 'latency',
        histogram: baselineHistogram(rng, 5000, stable.medianMs, stable.sigma)
      }
    }
  });
  judge.startStep({ index: 0, weight: sandbox.weight, soakSeconds: 900, maxSoakSeconds: 900 });
  return judge;
}

function run(seed: number, o: StreamOptions, ticks: number): { tick: number | null; last: Verdict } {
  const judge = startJudge(seed, o.stable);
  const rng = new Random(seed);
  let last: Verdict | undefined;
  for (let k = 1; k <= ticks; k++) {
    last = judge.evaluate(drawTick(rng, o, k * (o.tickSeconds ?? 10)));
    if (last.action === 'rollback') return { tick: k, last };
  }
  return { tick: null, last: last! };
}

describe('latency when stable sits in the first bucket', () => {
  it('collapses the bounds onto 5 ms; the count test carries the evidence the mSPRT cannot', () => {
    const baseline = histogram(bucketCounts({ 0: 3000 }));
    expect(chooseBounds(baseline)).toEqual([0.005]);
    const test = new LatencyExceedanceTest(baseline);
    // One 3 s tick at 40 rps and 10%: 12 canary requests all at ~300 ms, 108 stable all under 5 ms.
    test.update(histogram(bucketCounts({ 6: 12 })), histogram(bucketCounts({ 0: 108 })));
    const [bound] = test.bounds;
    expect(bound.slowCanary).toBe(12);
    expect(bound.slowStable).toBe(0);
    expect(bound.sprtEValue).toBeLessThanOrEqual(1);
    // Count e-process, share 0.1: the r = 10 component alone is 3/14 (10/1.9)^12 = 9.4e7.
    expect(bound.counts.eValue).toBeGreaterThan(9.4e7);
    expect(test.eValue).toBeCloseTo((bound.sprtEValue + bound.counts.eValue) / 2, 6);
  });

  it('lets a new pod warm up: three slow first requests cannot roll back, the fifth can', () => {
    const test = new LatencyExceedanceTest(histogram(bucketCounts({ 0: 3000 })));
    // Cold start: the canary's first 3 requests are slow (~300 ms), 129 stable requests are fast.
    test.update(histogram(bucketCounts({ 6: 3 })), histogram(bucketCounts({ 0: 129 })));
    const [bound] = test.bounds;
    expect(bound.counts.eValue).toBeGreaterThan(100); // the raw count evidence is already large...
    expect(test.eValue).toBeLessThanOrEqual(1); // ...but it may not count before 5 slow canary requests
    test.update(histogram(bucketCounts({ 6: 2 })), histogram(bucketCounts({ 0: 60 })));
    expect(bound.slowCanary).toBe(5);
    expect(test.eValue).toBeGreaterThan(100);
  });

  it('rolls back a canary 300 ms slower on every request within a few 3 s ticks, naming latency', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { tick, last } = run(seed, sandbox, 100);
      expect(tick).not.toBeNull();
      expect(tick!).toBeLessThanOrEqual(3);
      expect(last.reason).toMatch(
        /^p95 latency [\d.]+ ms on canary vs [\d.]+ ms on stable; slower than 5(\.0)? ms: 100% vs 0%/
      );
      const row = last.metrics.find((m) => m.metric === 'latency-p95')!;
      expect(row.status).toBe('fail');
      expect(row.eValue!).toBeGreaterThanOrEqual(row.eThreshold!);
    }
  });

  it.each([
    ['almost never above 5 ms', fastStable],
    ['a fifth above 5 ms (median 3 ms, sigma 0.6)', { errorRate: 0, medianMs: 3, sigma: 0.6 }]
  ])('does not roll back an A/A pair whose stable is %s (loose bound, 200 seeded runs)', (_, arm) => {
    const aa: StreamOptions = { ...sandbox, canary: arm, stable: arm };
    let rollbacks = 0;
    for (let seed = 1; seed <= 200; seed++) if (run(seed, aa, 200).tick !== null) rollbacks++;
    // The latency metric's share of alpha is 0.0158 (threshold 63); any rollback counts here.
    expect(rollbacks / 200).toBeLessThanOrEqual(0.04);
  });
});
