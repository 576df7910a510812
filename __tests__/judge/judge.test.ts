// The judges on seeded streams and hand-built ticks: A/A false rollbacks, bad canaries, counter
// resets and scrape gaps, the threshold judge's guards, the minimum sample and the no-data policy.
import { createJudge, SequentialJudge, ThresholdJudge } from '../../src/judge/index.js';
import type { Judge, Verdict } from '../../src/judge/types.js';
import type { TickObservation } from '../../src/metrics/types.js';
import { analysis, baselineHistogram, drawTick, Random, type StreamOptions } from './helpers/streams.js';

const healthy = { errorRate: 0.005, medianMs: 100 };
const base: StreamOptions = { rps: 50, weight: 20, canary: healthy, stable: healthy };

function startJudge(judge: Judge, seed: number, soakSeconds = 1200, spec = analysis()): Judge {
  const rng = new Random(seed + 1_000_000);
  judge.begin(spec, {
    stable: { 'latency-p95': { kind: 'latency', histogram: baselineHistogram(rng, 30000) } }
  });
  judge.startStep({ index: 0, weight: 20, soakSeconds, maxSoakSeconds: soakSeconds });
  return judge;
}

/** Run a stream through a judge until it rolls back (returns the tick time) or the soak ends (null). */
function runStream(
  judge: Judge,
  seed: number,
  o: StreamOptions,
  seconds: number,
  disturb?: (t: TickObservation) => TickObservation
): { at: number | null; verdicts: Verdict[] } {
  const rng = new Random(seed);
  const verdicts: Verdict[] = [];
  for (let at = 10; at <= seconds; at += 10) {
    const tick = drawTick(rng, o, at);
    const v = judge.evaluate(disturb ? disturb(tick) : tick);
    verdicts.push(v);
    if (v.action === 'rollback') return { at, verdicts };
    if (v.action === 'pass') break;
  }
  return { at: null, verdicts };
}

/** A tick with explicit counts (errors only). */
function countsTick(
  at: number,
  nc: number | null,
  ec: number,
  ns: number | null,
  es: number,
  stepElapsed = at
): TickObservation {
  return {
    at: new Date(at * 1000).toISOString(),
    elapsedSeconds: at,
    stepIndex: 0,
    weight: 20,
    stepElapsedSeconds: stepElapsed,
    requests: { canary: nc, stable: ns },
    metrics: {
      'error-rate': {
        canary: nc === null ? null : { kind: 'errors', bad: ec, total: nc },
        stable: ns === null ? null : { kind: 'errors', bad: es, total: ns }
      }
    }
  };
}

const errorsOnly = (overrides = {}) => analysis({ metrics: [analysis().metrics[0]], ...overrides });

describe('SequentialJudge on A/A streams', () => {
  it('keeps the false rollback rate under alpha (loose bound, 200 seeded runs of 20 minutes)', () => {
    let rollbacks = 0;
    for (let seed = 1; seed <= 200; seed++) {
      if (runStream(startJudge(new SequentialJudge(), seed), seed, base, 1200).at !== null) rollbacks++;
    }
    // alpha = 0.05 over all metrics; the tests are conservative in practice (about 2% in the bench).
    expect(rollbacks / 200).toBeLessThanOrEqual(0.08);
  });

  it('does not roll back on a scrape gap (unavailable tick, then accumulated deltas) or a counter reset', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      if (runStream(startJudge(new SequentialJudge(), seed), seed, base, 600).at !== null) continue;
      compared++;
      let held: TickObservation | null = null;
      const disturb = (tick: TickObservation): TickObservation => {
        if (tick.elapsedSeconds === 200 || tick.elapsedSeconds === 210) {
          // Prometheus down: the sampler reports the tick as unavailable and keeps the deltas.
          held = held ? mergeTicks(held, tick) : tick;
          return {
            ...tick,
            requests: { canary: null, stable: null },
            metrics: {},
            unavailable: 'connect ECONNREFUSED'
          };
        }
        if (held) {
          const merged = mergeTicks(held, tick);
          held = null;
          return merged;
        }
        if (tick.elapsedSeconds === 400) return postReset(tick);
        return tick;
      };
      const judge = startJudge(new SequentialJudge(), seed);
      const { at, verdicts } = runStream(judge, seed, base, 600, disturb);
      expect(at).toBeNull();
      const gap = verdicts[19];
      expect(gap.action).toBe('continue');
      expect(gap.reason).toMatch(/no sample this tick \(connect ECONNREFUSED\)/);
      expect(gap.metrics.every((m) => m.status === 'no-data')).toBe(true);
    }
    expect(compared).toBeGreaterThan(30);
  });
});

/** Two consecutive ticks' deltas added up, as the sampler delivers them after a gap. */
function mergeTicks(a: TickObservation, b: TickObservation): TickObservation {
  const ea = a.metrics['error-rate'];
  const eb = b.metrics['error-rate'];
  const la = a.metrics['latency-p95'];
  const lb = b.metrics['latency-p95'];
  const addH = (x: any, y: any) => ({
    count: x.histogram.count + y.histogram.count,
    buckets: x.histogram.buckets.map((bk: any, i: number) => ({
      le: bk.le,
      count: bk.count + y.histogram.buckets[i].count
    }))
  });
  return {
    ...b,
    requests: {
      canary: a.requests.canary! + b.requests.canary!,
      stable: a.requests.stable! + b.requests.stable!
    },
    metrics: {
      'error-rate': {
        canary: {
          kind: 'errors',
          bad: (ea.canary as any).bad + (eb.canary as any).bad,
          total: (ea.canary as any).total + (eb.canary as any).total
        },
        stable: {
          kind: 'errors',
          bad: (ea.stable as any).bad + (eb.stable as any).bad,
          total: (ea.stable as any).total + (eb.stable as any).total
        }
      },
      'latency-p95': {
        canary: { kind: 'latency', histogram: addH(la.canary, lb.canary) },
        stable: { kind: 'latency', histogram: addH(la.stable, lb.stable) }
      }
    }
  };
}

/** The canary restarted mid-tick: the reset rule delivers only its post-reset value (here: 3 requests, 0 errors). */
function postReset(tick: TickObservation): TickObservation {
  const few = {
    count: 3,
    buckets: (tick.metrics['latency-p95'].canary as any).histogram.buckets.map((b: any) => ({
      le: b.le,
      count: b.le >= 0.25 ? 3 : 0
    }))
  };
  return {
    ...tick,
    requests: { canary: 3, stable: tick.requests.stable },
    metrics: {
      'error-rate': {
        canary: { kind: 'errors', bad: 0, total: 3 },
        stable: tick.metrics['error-rate'].stable
      },
      'latency-p95': {
        canary: { kind: 'latency', histogram: few },
        stable: tick.metrics['latency-p95'].stable
      }
    }
  };
}

describe('SequentialJudge on bad canaries', () => {
  it('rolls back a canary at 5% errors within a minute, with the deciding sentence as reason', () => {
    const { at, verdicts } = runStream(
      startJudge(new SequentialJudge(), 7),
      7,
      { ...base, canary: { ...healthy, errorRate: 0.05 } },
      600
    );
    expect(at).not.toBeNull();
    expect(at!).toBeLessThanOrEqual(60);
    const last = verdicts.at(-1)!;
    // The 5xx test's threshold: 1 / (0.05 * 0.99 * 95/100) = 21.3 (src/judge/alpha.ts).
    expect(last.reason).toMatch(
      /^5xx rate [\d.]+% on canary vs [\d.]+% on stable \(e-value [\d.e+]+ ≥ 21\)$/
    );
    const row = last.metrics.find((m) => m.metric === 'error-rate')!;
    expect(row.status).toBe('fail');
    expect(row.eValue!).toBeGreaterThanOrEqual(row.eThreshold!);
    expect(last.metrics.map((m) => m.metric)).toEqual(['error-rate', 'latency-p95', 'traffic']);
  });

  it('rolls back a canary 50% slower through the latency exceedance test', () => {
    const { at, verdicts } = runStream(
      startJudge(new SequentialJudge(), 11),
      11,
      { ...base, canary: { ...healthy, medianMs: 150 } },
      600
    );
    expect(at).not.toBeNull();
    expect(verdicts.at(-1)!.reason).toMatch(
      /^p95 latency \d+ ms on canary vs \d+ ms on stable; slower than \d+ ms/
    );
  });

  it('catches a canary whose series vanished while stable has traffic (sample-ratio mismatch)', () => {
    const judge = startJudge(new SequentialJudge(), 1, 600, errorsOnly());
    expect(judge.evaluate(countsTick(10, 100, 0, 400, 2)).action).toBe('continue');
    const v = judge.evaluate(countsTick(20, null, 0, 400, 2));
    expect(v.action).toBe('rollback');
    expect(v.reason).toMatch(/too little traffic or has crashed/);
    const traffic = v.metrics.find((m) => m.metric === 'traffic')!;
    expect(traffic.kind).toBe('traffic');
    expect(traffic.canary).toBe(100);
    expect(traffic.stable).toBe(800);
  });

  it("tests the 5xx counts of a step's first tick (only the sample-ratio test skips it)", () => {
    const judge = startJudge(new SequentialJudge(), 1, 600, errorsOnly());
    // 6 canary errors and none on stable at a 20% split: e = 3/14 * 3.57^6 (r = 10 alone) = 446 >= 21
    const v = judge.evaluate(countsTick(10, 100, 6, 400, 0));
    expect(v.action).toBe('rollback');
    expect(v.reason).toMatch(/^5xx rate 6% on canary vs 0% on stable/);
    expect(v.metrics.find((m) => m.metric === 'traffic')!.eValue).toBe(1);
  });

  it('raises a hybrid warning when an e-value passes the square root of its threshold', () => {
    const judge = startJudge(new SequentialJudge(), 1, 600, errorsOnly());
    const v = judge.evaluate(countsTick(10, 100, 2, 400, 0));
    const row = v.metrics[0];
    expect(v.action).toBe('continue');
    expect(row.status).toBe('warn');
    expect(row.eValue!).toBeGreaterThan(Math.sqrt(row.eThreshold!));
    expect(row.eValue!).toBeLessThan(row.eThreshold!);
    expect(v.warning).toContain('5xx rate 2% on canary vs 0% on stable');
  });
});

describe('ThresholdJudge', () => {
  it('trips the error guard on the canary alone and still shows both arms', () => {
    const { at, verdicts } = runStream(
      startJudge(new ThresholdJudge(), 3),
      3,
      { ...base, canary: { ...healthy, errorRate: 0.2 } },
      600
    );
    expect(at!).toBeLessThanOrEqual(30);
    const v = verdicts.at(-1)!;
    expect(v.reason).toMatch(
      /^5xx rate \d+% on canary over the last \d+ s is above the 5% limit \(stable [\d.]+%\)$/
    );
    const row = v.metrics[0];
    expect(row.eValue).toBeUndefined();
    expect(row.stable).not.toBeNull();
    expect(row.guard).toEqual({ limit: 0.05, comparator: '<=', breached: true });
  });

  it('trips the latency guard and ignores an A/A stream', () => {
    const slow = runStream(
      startJudge(new ThresholdJudge(), 5),
      5,
      { ...base, canary: { ...healthy, medianMs: 1500 } },
      600
    );
    expect(slow.at).not.toBeNull();
    expect(slow.verdicts.at(-1)!.reason).toMatch(
      /^p95 latency \d+ ms on canary over the last \d+ s is above the 1000 ms limit/
    );
    const calm = runStream(startJudge(new ThresholdJudge(), 5, 600), 5, base, 600);
    expect(calm.at).toBeNull();
    expect(calm.verdicts.at(-1)!.action).toBe('pass');
  });

  it('is what createJudge returns for its name', () => {
    expect(createJudge('threshold').name).toBe('threshold');
    expect(createJudge('sequential')).toBeInstanceOf(SequentialJudge);
    expect(() => createJudge('nope' as never)).toThrow(/expected 'sequential' or 'threshold'/);
  });
});

describe('minimum sample and the no-data policy', () => {
  function lowTraffic(noData: 'fail' | 'pass'): Verdict[] {
    const judge = createJudge('sequential');
    judge.begin(errorsOnly({ noData, minCanaryRequests: 100 }), { stable: {} });
    judge.startStep({ index: 0, weight: 20, soakSeconds: 60, maxSoakSeconds: 120 });
    const verdicts: Verdict[] = [];
    for (let at = 30; at <= 120; at += 30) verdicts.push(judge.evaluate(countsTick(at, 5, 0, 20, 0)));
    return verdicts;
  }

  it('extends the soak while the minimum is not reached, then fails by default', () => {
    const v = lowTraffic('fail');
    expect(v.map((x) => x.action)).toEqual(['continue', 'continue', 'continue', 'rollback']);
    expect(v[1].reason).toMatch(
      /soak over but only 10 canary requests \(minimum 100\): extending up to 120 s/
    );
    expect(v[3].reason).toMatch(/saw only 20 canary requests.*no-data policy is 'fail'/);
  });

  it("passes with a warning under noData: 'pass'", () => {
    const v = lowTraffic('pass');
    expect(v[3].action).toBe('pass');
    expect(v[3].warning).toMatch(/no-data policy is 'pass'/);
  });

  it('passes a step only when the soak is over and the minimum reached', () => {
    const judge = createJudge('sequential');
    judge.begin(errorsOnly({ minCanaryRequests: 150 }), { stable: {} });
    judge.startStep({ index: 0, weight: 20, soakSeconds: 20, maxSoakSeconds: 60 });
    expect(judge.evaluate(countsTick(10, 100, 0, 400, 1)).action).toBe('continue');
    const pass = judge.evaluate(countsTick(20, 100, 0, 400, 2));
    expect(pass.action).toBe('pass');
    expect(pass.reason).toMatch(/^step 1 at 20% passed: soaked 20 s with 200 canary requests/);
  });

  describe('strictPass', () => {
    const conversionOnly = (overrides = {}) =>
      analysis({
        metrics: [
          {
            kind: 'ratio',
            name: 'conversion',
            title: 'conversion',
            numerator: 'c',
            denominator: 's',
            margin: 0.1
          }
        ],
        ...overrides
      });
    // Equal conversion (30%) in both arms, 1000 canary and 4000 stable sessions per tick.
    const equalTick = (at: number): TickObservation => ({
      ...countsTick(at, 1000, 0, 4000, 0),
      metrics: {
        conversion: {
          canary: { kind: 'ratio', numerator: 300, denominator: 1000 },
          stable: { kind: 'ratio', numerator: 1200, denominator: 4000 }
        }
      }
    });
    function run(spec: ReturnType<typeof analysis>, maxSoakSeconds: number): Verdict[] {
      const judge = createJudge('sequential');
      judge.begin(spec, { stable: {} });
      judge.startStep({ index: 0, weight: 20, soakSeconds: 20, maxSoakSeconds });
      const verdicts: Verdict[] = [];
      for (let at = 10; at <= maxSoakSeconds; at += 10) {
        verdicts.push(judge.evaluate(equalTick(at)));
        if (verdicts.at(-1)!.action !== 'continue') break;
      }
      return verdicts;
    }

    it('is off by default: the step passes when the soak is over', () => {
      const v = run(conversionOnly(), 300);
      expect(v.map((x) => x.action)).toEqual(['continue', 'pass']);
      expect(v[1].metrics[0].status).not.toBe('pass');
    });

    it('holds the step until every confidence sequence clears its margin', () => {
      const v = run(conversionOnly({ strictPass: true }), 300);
      expect(v[1].action).toBe('continue');
      expect(v[1].reason).toMatch(
        /soak over but conversion not yet clear of its margin \(strict pass\): extending up to 300 s$/
      );
      const last = v.at(-1)!;
      expect(last.action).toBe('pass');
      expect(v.length).toBeGreaterThan(2);
      expect(last.metrics[0].status).toBe('pass');
      expect(last.metrics[0].lower!).toBeGreaterThan(0.9);
      expect(last.reason).toMatch(/nothing crossed, every confidence sequence clear of its margin$/);
    });

    it('follows the no-data policy when the sequence is still unclear at the soak limit', () => {
      const v = run(conversionOnly({ strictPass: true }), 30);
      expect(v.map((x) => x.action)).toEqual(['continue', 'continue', 'rollback']);
      expect(v[2].reason).toMatch(
        /^step 1 at 20%: conversion not yet clear of its margin \(strict pass\) after 30 s; the no-data policy is 'fail'/
      );
    });

    it('does not apply to the threshold judge, which has no sequences', () => {
      const judge = createJudge('threshold');
      judge.begin(conversionOnly({ strictPass: true }), { stable: {} });
      judge.startStep({ index: 0, weight: 20, soakSeconds: 20, maxSoakSeconds: 300 });
      judge.evaluate(equalTick(10));
      expect(judge.evaluate(equalTick(20)).action).toBe('pass');
    });
  });

  it('reports a conversion sequence that is still wide at low traffic', () => {
    const judge = createJudge('sequential');
    judge.begin(
      analysis({
        metrics: [
          {
            kind: 'ratio',
            name: 'conversion',
            title: 'conversion',
            numerator: 'c',
            denominator: 's',
            margin: 0.1
          }
        ]
      }),
      { stable: {} }
    );
    judge.startStep({ index: 0, weight: 20, soakSeconds: 600, maxSoakSeconds: 600 });
    const tick: TickObservation = {
      ...countsTick(10, 20, 0, 80, 0),
      metrics: {
        conversion: {
          canary: { kind: 'ratio', numerator: 1, denominator: 20 },
          stable: { kind: 'ratio', numerator: 5, denominator: 80 }
        }
      }
    };
    const row = judge.evaluate(tick).metrics[0];
    expect(row.status).toBe('ok');
    expect(row.sentence).toMatch(/still wide; at this traffic only a gross drop can be caught/);
    expect(row.lower!).toBeLessThan(0.9);
    expect(row.upper!).toBeGreaterThan(1);
  });
});
