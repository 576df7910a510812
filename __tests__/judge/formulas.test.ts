// The formulas against values computed by hand (the arithmetic is in the comments).
import { splitAlpha } from '../../src/judge/alpha.js';
import { alternativeShare, CountEProcess, tickLogFactor } from '../../src/judge/count-eprocess.js';
import { wilsonInterval } from '../../src/judge/guards.js';
import { chooseBounds, mixtureSprtLogE } from '../../src/judge/latency.js';
import { logSumExp, normalCdf } from '../../src/judge/math.js';
import { countAbove, fractionAbove, histogramQuantile } from '../../src/judge/quantile.js';
import { classifyRatio, isStillWide, ratioConfidenceSequence, ratioTau } from '../../src/judge/ratio-cs.js';
import { SampleRatioTest, weightShare } from '../../src/judge/srm.js';

// 100 observations: 50 <= 0.1 s, 40 in (0.1, 0.25], 9 in (0.25, 0.5], 1 above 0.5 s.
const hist = {
  count: 100,
  buckets: [
    { le: 0.1, count: 50 },
    { le: 0.25, count: 90 },
    { le: 0.5, count: 99 },
    { le: Infinity, count: 100 }
  ]
};

describe('histogramQuantile (as PromQL histogram_quantile)', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    // q=0.5: rank 50 reaches bucket 0 exactly -> 0 + 0.1 * 50/50 = 0.1
    expect(histogramQuantile(0.5, hist)).toBeCloseTo(0.1, 12);
    // q=0.75: rank 75, bucket (0.1,0.25] holds 40, rank inside 25 -> 0.1 + 0.15 * 25/40 = 0.19375
    expect(histogramQuantile(0.75, hist)).toBeCloseTo(0.19375, 12);
    // q=0.95: rank 95, bucket (0.25,0.5] holds 9, rank inside 5 -> 0.25 + 0.25 * 5/9 = 0.388888...
    expect(histogramQuantile(0.95, hist)).toBeCloseTo(0.25 + 0.25 * (5 / 9), 12);
  });

  it('returns the highest finite bound for a rank in +Inf, and null/±Inf where PromQL gives NaN/±Inf', () => {
    expect(histogramQuantile(0.995, hist)).toBe(0.5);
    expect(
      histogramQuantile(0.5, {
        count: 0,
        buckets: [
          { le: 0.1, count: 0 },
          { le: Infinity, count: 0 }
        ]
      })
    ).toBeNull();
    expect(histogramQuantile(0.5, { count: 5, buckets: [{ le: 0.1, count: 5 }] })).toBeNull();
    expect(histogramQuantile(-0.1, hist)).toBe(-Infinity);
    expect(histogramQuantile(1.1, hist)).toBe(Infinity);
  });

  it('counts requests above a bound and inverts the interpolation', () => {
    expect(countAbove(hist, 0.25)).toBe(10);
    // 0.175 s is half-way through (0.1, 0.25]: below = 50 + 40/2 = 70 -> 30% above.
    expect(fractionAbove(hist, 0.175)).toBeCloseTo(0.3, 12);
  });
});

describe('count e-process', () => {
  it('computes one tick by hand', () => {
    // r=2, theta0=0.2: theta = 0.4/1.2 = 1/3.
    expect(alternativeShare(2, 0.2)).toBeCloseTo(1 / 3, 12);
    // 3 canary errors, 1 stable: 3 ln(5/3) + ln(5/6) = 1.532477 - 0.182322 = 1.350155 (E = 3.8580)
    expect(tickLogFactor(2, 0.2, 3, 1)).toBeCloseTo(1.350155, 6);
    const single = new CountEProcess([2]);
    single.update(3, 1, 0.2);
    expect(single.eValue).toBeCloseTo(3.858, 3);
    // r=3: theta = 0.6/1.4; (15/7)^3 * (5/7) = 7.0283; uniform mixture of r=2,3 = (3.858 + 7.0283)/2 = 5.443
    const mix = new CountEProcess([2, 3]);
    mix.update(3, 1, 0.2);
    expect(mix.eValue).toBeCloseTo(5.443, 2);
  });

  it('learns nothing from a tick without errors or without a split', () => {
    const e = new CountEProcess();
    expect(e.update(0, 0, 0.2)).toBe(false);
    expect(e.update(5, 0, 1)).toBe(false);
    expect(e.eValue).toBeCloseTo(1, 12);
  });

  it('stays finite in log space over a long run with large counts', () => {
    const e = new CountEProcess();
    for (let i = 0; i < 10000; i++) e.update(500, 100, 0.2);
    expect(Number.isFinite(e.logEValue)).toBe(true);
    expect(e.logEValue).toBeGreaterThan(1000);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 9);
  });
});

describe('latency mSPRT', () => {
  it('matches the hand computation', () => {
    // 30/100 slow on canary, 20/100 on stable, tau 0.1: pbar 0.25, V = 0.1875 * 0.02 = 0.00375, D = 0.1
    // ln2 + 0.5 ln(0.00375/0.01375) + 0.0001/(2*0.00375*0.01375) + ln Phi(0.01/sqrt(0.00375*0.01375))
    // = 0.693147 - 0.649641 + 0.969697 - 0.085414 = 0.927789 (Lambda = 2.529)
    expect(mixtureSprtLogE(30, 100, 20, 100, 0.1)).toBeCloseTo(0.927789, 4);
    // A canary faster than stable gives an e-value below 1 (one-sided).
    expect(mixtureSprtLogE(20, 100, 30, 100, 0.1)).toBeLessThan(0);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });

  it('fixes bounds at the bucket bounds nearest stable p50, p90, p99', () => {
    // p50 = 0.1, p90 = 0.25, p99 = 0.5 (see the histogram above).
    expect(chooseBounds(hist)).toEqual([0.1, 0.25, 0.5]);
  });
});

describe('ratio confidence sequence', () => {
  it('matches the hand computation', () => {
    // 50/1000 vs 100/1000, alpha 0.05, tau 0.1: a = 50.5, b = 100.5, x = ln(50.5/100.5) = -0.688172,
    // s2 = 1/50.5 + 1/100.5 = 0.029752; radius = sqrt(s2 (s2+0.01)/0.01 * (2 ln 20 + ln((s2+0.01)/s2)))
    // = sqrt(0.118271 * 6.281225) = 0.861910 -> [exp(-1.550082), exp(0.173738)] = [0.21223, 1.18973]
    const b = ratioConfidenceSequence(50, 1000, 100, 1000, 0.05, 0.1);
    expect(b.estimate).toBeCloseTo(0.5, 12);
    expect(b.lower).toBeCloseTo(0.21223, 4);
    expect(b.upper).toBeCloseTo(1.18973, 4);
    expect(classifyRatio(b, 0.1)).toBe('undecided');
    expect(isStillWide(b, 0.1)).toBe(true);
  });

  it('catches the sandbox conversion drop (38% -> 17%) at a few hundred sessions with the default scale', () => {
    // 95/251 stable vs 122/711 canary, the ratio metric's alpha share (~0.0079). x = ln(122.5/711) -
    // ln(95.5/251) = -0.7904, s2 = 1/122.5 + 1/95.5 = 0.018635. tau 0.3: radius 0.5085 -> [0.273, 0.752],
    // below 1 - 10%: regressed. With tau = the 10% margin the radius is 0.7362 -> [0.217, 0.944]: undecided.
    expect(ratioTau(0.1)).toBe(0.3);
    const now = ratioConfidenceSequence(122, 711, 95, 251, 0.0079, ratioTau(0.1));
    expect(now.lower).toBeCloseTo(0.2726, 3);
    expect(now.upper).toBeCloseTo(0.7521, 3);
    expect(classifyRatio(now, 0.1)).toBe('regressed');
    expect(classifyRatio(ratioConfidenceSequence(122, 711, 95, 251, 0.0079, 0.1), 0.1)).toBe('undecided');
  });

  it('rolls back a gross drop and clears an equal ratio with enough data', () => {
    expect(classifyRatio(ratioConfidenceSequence(100, 10000, 1000, 10000, 0.05, 0.1), 0.1)).toBe('regressed');
    expect(classifyRatio(ratioConfidenceSequence(20000, 100000, 20000, 100000, 0.05, 0.1), 0.1)).toBe(
      'cleared'
    );
  });
});

describe('guards, SRM and alpha split', () => {
  it('Wilson bound by hand', () => {
    // 6/100 at z=2.326: center (0.06 + 0.02705)/1.0541 = 0.08258, half 0.05835 -> [0.02423, 0.14093]
    const w = wilsonInterval(6, 100);
    expect(w.lower).toBeCloseTo(0.02423, 4);
    expect(w.upper).toBeCloseTo(0.14093, 4);
  });

  it('SRM: no canary requests at a 20% weight crosses in one tick; the right split does not', () => {
    const dead = new SampleRatioTest();
    dead.update(0, 400, 20);
    // H0 share = half the weight = 0.1; 400 requests count as 200 units. The r=0.01 component alone:
    // theta = 0.001/0.901 = 0.0011099, 200 ln(0.9988901/0.9) - ln 4 = 20.850 - 1.386 = 19.46
    expect(Math.log(dead.eValue)).toBeGreaterThan(19.46);
    expect(Math.log(dead.eValue)).toBeLessThan(19.46 + Math.log(4));
    const fine = new SampleRatioTest();
    for (let i = 0; i < 100; i++) fine.update(100, 400, 20);
    expect(fine.eValue).toBeLessThan(1e-10);
    expect(weightShare(25)).toBe(0.25);
  });

  it('splits alpha: SRM 1%, then equal shares within a kind, or the given ones', () => {
    const metrics = [
      { kind: 'errors', name: 'a', title: 'a', bad: '', total: '' },
      { kind: 'errors', name: 'b', title: 'b', bad: '', total: '' }
    ] as const;
    const equal = splitAlpha({ alpha: 0.05, metrics: [...metrics] });
    expect(equal.srm).toBeCloseTo(0.0005, 12);
    expect(equal.perMetric.get('a')).toBeCloseTo(0.02475, 12);
    const given = splitAlpha({ alpha: 0.05, metrics: [{ ...metrics[0], alpha: 0.04 }, metrics[1]] });
    expect(given.perMetric.get('a')).toBeCloseTo(0.04, 12);
    expect(given.perMetric.get('b')).toBeCloseTo(0.0095, 12);
    const total = given.srm + given.perMetric.get('a')! + given.perMetric.get('b')!;
    expect(total).toBeCloseTo(0.05, 12);
  });

  it('by default weighs the shares by kind: errors 95, latency 5, ratio 15, normalised', () => {
    const errors = { kind: 'errors', name: 'e', title: 'e', bad: '', total: '' } as const;
    const latency = { kind: 'latency', name: 'l', title: 'l', buckets: '', quantile: 0.95 } as const;
    const ratio = {
      kind: 'ratio',
      name: 'r',
      title: 'r',
      numerator: '',
      denominator: '',
      margin: 0.1
    } as const;
    // SRM takes 1%; errors + latency: 0.0495 * 95/100 = 0.047025 and 0.0495 * 5/100 = 0.002475
    const two = splitAlpha({ alpha: 0.05, metrics: [errors, latency] });
    expect(two.srm).toBeCloseTo(0.0005, 12);
    expect(two.perMetric.get('e')).toBeCloseTo(0.047025, 9);
    expect(two.perMetric.get('l')).toBeCloseTo(0.002475, 9);
    // all three: 0.0495 * 95/115, 5/115, 15/115
    const three = splitAlpha({ alpha: 0.05, metrics: [errors, latency, ratio] });
    expect(three.perMetric.get('e')).toBeCloseTo(0.040891, 6);
    expect(three.perMetric.get('l')).toBeCloseTo(0.002152, 6);
    expect(three.perMetric.get('r')).toBeCloseTo(0.006457, 6);
    // a given share is kept; the rest is split by kind: 0.0495 - 0.02 = 0.0295 -> 5/20 and 15/20
    const mixed = splitAlpha({ alpha: 0.05, metrics: [{ ...errors, alpha: 0.02 }, latency, ratio] });
    expect(mixed.perMetric.get('e')).toBeCloseTo(0.02, 12);
    expect(mixed.perMetric.get('l')).toBeCloseTo(0.007375, 6);
    expect(mixed.perMetric.get('r')).toBeCloseTo(0.022125, 6);
    const sum = [...three.perMetric.values()].reduce((a, b) => a + b, three.srm);
    expect(sum).toBeCloseTo(0.05, 12);
    // Every metric with its own share, 1% together: kept as written, never loosened to fill alpha.
    const strict = splitAlpha({
      alpha: 0.05,
      metrics: [
        { ...errors, alpha: 0.004 },
        { ...latency, alpha: 0.003 },
        { ...ratio, alpha: 0.003 }
      ]
    });
    expect([...strict.perMetric.values()]).toEqual([0.004, 0.003, 0.003]);
    // Shares that would exceed what SRM leaves are scaled down to fit: 0.0495 * 4/5 and * 1/5.
    const over = splitAlpha({
      alpha: 0.05,
      metrics: [
        { ...errors, alpha: 0.04 },
        { ...latency, alpha: 0.01 }
      ]
    });
    expect(over.perMetric.get('e')).toBeCloseTo(0.0396, 12);
    expect(over.perMetric.get('l')).toBeCloseTo(0.0099, 12);
  });
});
