// MetricSampler over a scripted MetricsProvider (unit test of the sampler alone).
import type { AnalysisSpec } from '../../src/config/spec.js';
import { MetricSampler } from '../../src/metrics/sampler.js';
import {
  MetricsUnavailableError,
  type CounterSeries,
  type MetricsProvider
} from '../../src/metrics/types.js';

const analysis: AnalysisSpec = {
  requests: 'req{release="{{release}}",namespace="{{namespace}}"}',
  metrics: [
    {
      name: 'errors',
      title: '5xx',
      kind: 'errors',
      bad: 'req5{release="{{release}}"}',
      total: 'req{release="{{release}}",namespace="{{namespace}}"}'
    },
    {
      name: 'p95',
      title: 'p95',
      kind: 'latency',
      quantile: 0.95,
      buckets: 'lat_bucket{release="{{release}}"}'
    }
  ],
  alpha: 0.05,
  minCanaryRequests: 1,
  maxExtraSoakSeconds: 0,
  noData: 'fail',
  maxMetricFailures: 3
};

/** Counter values per query; `down` makes every query fail. */
class ScriptedProvider implements MetricsProvider {
  values = new Map<string, CounterSeries[]>();
  down = false;
  queries: Array<{ promql: string; time?: number }> = [];
  async query(promql: string, time?: number): Promise<CounterSeries[]> {
    this.queries.push({ promql, time });
    if (this.down) throw new MetricsUnavailableError('Prometheus at http://prom did not answer');
    return this.values.get(promql) ?? [];
  }
  set(release: string, requests: number, errors: number | null, buckets?: [number, number]): void {
    this.values.set(`req{release="${release}",namespace="shop"}`, [
      { labels: { release, pod: 'p' }, value: requests }
    ]);
    this.values.set(
      `req5{release="${release}"}`,
      errors === null ? [] : [{ labels: { pod: 'p', code: '500' }, value: errors }]
    );
    this.values.set(
      `lat_bucket{release="${release}"}`,
      buckets
        ? [
            { labels: { le: '0.25' }, value: buckets[0] },
            { labels: { le: '+Inf' }, value: buckets[1] }
          ]
        : []
    );
  }
}

function sampler(provider: MetricsProvider, now = () => 1_700_000_000_000) {
  return new MetricSampler(provider, {
    release: 'sf',
    canaryRelease: 'sf-canary',
    namespace: 'shop',
    analysis,
    now
  });
}

it('queries each distinct PromQL once per read, all at the same time', async () => {
  const provider = new ScriptedProvider();
  await sampler(provider).baseline();
  expect(provider.queries.map((q) => q.promql).sort()).toEqual(
    [
      'lat_bucket{release="sf"}',
      'lat_bucket{release="sf-canary"}',
      'req5{release="sf"}',
      'req5{release="sf-canary"}',
      'req{release="sf",namespace="shop"}',
      'req{release="sf-canary",namespace="shop"}'
    ].sort()
  );
  expect(new Set(provider.queries.map((q) => q.time))).toEqual(new Set([1_700_000_000]));
});

it('baseline returns stable`s cumulative observations; samples are deltas, a missing arm is null', async () => {
  const provider = new ScriptedProvider();
  provider.set('sf', 1000, null, [900, 1000]);
  const s = sampler(provider);
  expect(await s.baseline()).toEqual({
    stable: {
      errors: { kind: 'errors', bad: 0, total: 1000 },
      p95: {
        kind: 'latency',
        histogram: {
          count: 1000,
          buckets: [
            { le: 0.25, count: 900 },
            { le: Infinity, count: 1000 }
          ]
        }
      }
    }
  });
  provider.set('sf', 1100, 3, [980, 1100]);
  const sample = await s.sample();
  expect(sample.requests).toEqual({ canary: null, stable: 100 });
  expect(sample.metrics.errors).toEqual({ canary: null, stable: { kind: 'errors', bad: 3, total: 100 } });
  expect(sample.metrics.p95).toEqual({
    canary: null,
    stable: {
      kind: 'latency',
      histogram: {
        count: 100,
        buckets: [
          { le: 0.25, count: 80 },
          { le: Infinity, count: 100 }
        ]
      }
    }
  });
});

it('after a failed sample, the next success carries the accumulated deltas', async () => {
  const provider = new ScriptedProvider();
  provider.set('sf', 10, 0, [10, 10]);
  provider.set('sf-canary', 0, null, [0, 0]);
  const s = sampler(provider);
  await s.baseline();
  provider.set('sf', 20, 0, [20, 20]);
  provider.set('sf-canary', 4, 1, [3, 4]);
  expect((await s.sample()).requests).toEqual({ canary: 4, stable: 10 });

  provider.set('sf', 35, 0, [35, 35]);
  provider.set('sf-canary', 9, 1, [8, 9]);
  provider.down = true;
  await expect(s.sample()).rejects.toThrow(MetricsUnavailableError);
  provider.set('sf', 50, 1, [49, 50]);
  provider.set('sf-canary', 12, 2, [10, 12]);
  provider.down = false;
  const sample = await s.sample();
  expect(sample.requests).toEqual({ canary: 8, stable: 30 });
  expect(sample.metrics.errors.canary).toEqual({ kind: 'errors', bad: 1, total: 8 });
  expect(sample.metrics.errors.stable).toEqual({ kind: 'errors', bad: 1, total: 30 });
});

it('without a baseline, the first sample only sets the reference (never a pod`s whole history)', async () => {
  const provider = new ScriptedProvider();
  provider.set('sf', 5000, 40, [4000, 5000]);
  const s = sampler(provider);
  const first = await s.sample();
  expect(first.requests).toEqual({ canary: null, stable: 0 });
  provider.set('sf', 5010, 41, [4009, 5010]);
  expect((await s.sample()).metrics.errors.stable).toEqual({ kind: 'errors', bad: 1, total: 10 });
});

it('names the query when a latency query returns no histogram buckets', async () => {
  const provider = new ScriptedProvider();
  provider.set('sf', 1, 0);
  provider.values.set('lat_bucket{release="sf"}', [{ labels: { code: '200' }, value: 1 }]);
  await expect(sampler(provider).baseline()).rejects.toThrow(
    'metric p95: query lat_bucket{release="sf"} returned series without an "le" label'
  );
});

describe('arm placeholders beyond release and namespace', () => {
  const byPods: AnalysisSpec = {
    ...analysis,
    requests: 'req{pod=~"{{pods}}"}',
    metrics: [
      {
        name: 'errors',
        title: '5xx',
        kind: 'errors',
        bad: 'req5{pod=~"{{pods}}"}',
        total: 'req{pod=~"{{pods}}"}'
      }
    ]
  };

  it('resolves them once, at the first read, and reads each arm with its own values', async () => {
    const provider = new ScriptedProvider();
    let resolved = 0;
    const sampler = new MetricSampler(provider, {
      release: 'web',
      canaryRelease: 'web-canary',
      namespace: 'shop',
      analysis: byPods,
      armValues: async () => {
        resolved += 1;
        return {
          stable: { release: 'web', namespace: 'shop', pods: 'web-[a-z0-9]{1,10}-[a-z0-9]{5}' },
          canary: { release: 'web-canary', namespace: 'shop', pods: 'web-canary-[a-z0-9]{1,10}-[a-z0-9]{5}' }
        };
      }
    });
    provider.values.set('req{pod=~"web-canary-[a-z0-9]{1,10}-[a-z0-9]{5}"}', [
      { labels: { pod: 'c' }, value: 5 }
    ]);
    provider.values.set('req{pod=~"web-[a-z0-9]{1,10}-[a-z0-9]{5}"}', [{ labels: { pod: 's' }, value: 9 }]);
    await sampler.baseline();
    provider.values.set('req{pod=~"web-canary-[a-z0-9]{1,10}-[a-z0-9]{5}"}', [
      { labels: { pod: 'c' }, value: 7 }
    ]);
    provider.values.set('req{pod=~"web-[a-z0-9]{1,10}-[a-z0-9]{5}"}', [{ labels: { pod: 's' }, value: 19 }]);
    const sample = await sampler.sample();
    expect(sample.requests).toEqual({ canary: 2, stable: 10 });
    expect(resolved).toBe(1);
  });

  it('a placeholder nothing resolved is an error, never an empty selector', async () => {
    const sampler = new MetricSampler(new ScriptedProvider(), {
      release: 'web',
      canaryRelease: 'web-canary',
      namespace: 'shop',
      analysis: byPods
    });
    await expect(sampler.baseline()).rejects.toThrow('no value for {{pods}}');
  });
});
