// The sample-ratio test under session affinity: sessions bundle requests onto one arm, so per-tick
// canary shares vary far more than a binomial. The test must still catch a dead canary fast, and
// must not roll back a healthy canary whose share is noisy or somewhat below its weight.
import { SequentialJudge } from '../../src/judge/index.js';
import { SampleRatioTest } from '../../src/judge/srm.js';
import type { Judge } from '../../src/judge/types.js';
import type { TickObservation } from '../../src/metrics/types.js';
import { analysis, Random } from './helpers/streams.js';

/** The judge's SRM threshold with the default alpha 0.05: 1 / (1% of alpha). */
const SRM_THRESHOLD = 2000;

function startJudge(weight: number): Judge {
  const judge = new SequentialJudge();
  judge.begin(analysis({ metrics: [analysis().metrics[0]] }), { stable: {} });
  judge.startStep({ index: 0, weight, soakSeconds: 7200, maxSoakSeconds: 7200 });
  return judge;
}

/** A tick with request counts only (and error counts of zero); a null canary has no series. */
function tick(at: number, weight: number, canary: number | null, stable: number): TickObservation {
  return {
    at: new Date(at * 1000).toISOString(),
    elapsedSeconds: at,
    stepIndex: 0,
    weight,
    stepElapsedSeconds: at,
    requests: { canary, stable },
    metrics: {
      'error-rate': {
        canary: canary === null ? null : { kind: 'errors', bad: 0, total: canary },
        stable: { kind: 'errors', bad: 0, total: stable }
      }
    }
  };
}

/**
 * Requests of one tick under cookie affinity: sessions arrive as a Poisson stream, each a
 * geometric number of requests (mean `sessionMean`), all on the arm the session was pinned to.
 */
function affinityTick(rng: Random, requests: number, share: number, sessionMean: number): [number, number] {
  const sessions = rng.poisson(requests / sessionMean);
  let canary = 0;
  let stable = 0;
  for (let i = 0; i < sessions; i++) {
    let size = 1;
    while (rng.next() > 1 / sessionMean) size++;
    if (rng.next() < share) canary += size;
    else stable += size;
  }
  return [canary, stable];
}

describe('sample-ratio test', () => {
  it('catches a dead canary at 50 rps and a 10% weight in one 10 s tick, or three 3 s ticks', () => {
    for (const [seconds, maxTicks] of [
      [10, 1],
      [3, 3]
    ]) {
      for (let seed = 1; seed <= 50; seed++) {
        const rng = new Random(seed);
        const judge = startJudge(10);
        judge.evaluate(tick(seconds, 10, rng.poisson(5 * seconds), rng.poisson(45 * seconds))); // skipped
        let caughtAt: number | null = null;
        for (let k = 1; k <= 10 && caughtAt === null; k++) {
          const v = judge.evaluate(tick((k + 1) * seconds, 10, null, rng.poisson(50 * seconds)));
          if (v.action === 'rollback') {
            caughtAt = k;
            expect(v.reason).toMatch(/too little traffic or has crashed/);
          }
        }
        expect(caughtAt).not.toBeNull();
        expect(caughtAt!).toBeLessThanOrEqual(maxTicks);
      }
    }
  });

  it('does not roll back a canary that gets 0.7x its weight share for an hour', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new Random(seed);
      const judge = startJudge(10);
      for (let k = 1; k <= 360; k++) {
        const n = rng.poisson(500);
        const canary = rng.binomial(n, 0.07);
        expect(judge.evaluate(tick(k * 10, 10, canary, n - canary)).action).toBe('continue');
      }
      const traffic = judge.evaluate(tick(3610, 10, 35, 465)).metrics.find((m) => m.metric === 'traffic')!;
      // Evidence drifts toward H0 (share >= half the weight): the e-value ends far below 1.
      expect(traffic.eValue!).toBeLessThan(1e-6);
    }
  });

  it('stays under its threshold with heavy session affinity (sessions of 5 requests, 40 rps, 3 s ticks)', () => {
    let crossed = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const rng = new Random(seed);
      const test = new SampleRatioTest();
      for (let k = 1; k <= 200; k++) {
        const [canary, stable] = affinityTick(rng, 120, 0.1, 5);
        test.update(canary, stable, 10);
        if (test.eValue >= SRM_THRESHOLD) {
          crossed++;
          break;
        }
      }
    }
    // Its alpha share is 0.0005; a request-level binomial test at the full weight crossed in
    // about a third of these runs.
    expect(crossed / 500).toBeLessThanOrEqual(0.01);
  });

  it('leaves an A/A split (independent requests at the configured share) near or below 1', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = new Random(seed);
      const test = new SampleRatioTest();
      for (let k = 1; k <= 100; k++) {
        const n = rng.poisson(500);
        const canary = rng.binomial(n, 0.2);
        test.update(canary, n - canary, 20);
      }
      expect(test.eValue).toBeLessThan(1e-6);
    }
  });
});
