// The sampler and PrometheusProvider against a REAL Prometheus scraping two local exporters (stable
// and canary arms, told apart by the release target label), including a canary pod restart.
import { jest } from '@jest/globals';
import type { AnalysisSpec } from '../../src/config/spec.js';
import { PrometheusProvider } from '../../src/metrics/prometheus.js';
import { MetricSampler } from '../../src/metrics/sampler.js';
import {
  startExporter,
  startPrometheus,
  waitForQuery,
  waitForScrape,
  type ExposedSeries,
  type Exporter,
  type RunningPrometheus
} from '../helpers/prometheus.js';

jest.setTimeout(120_000);

const selector = 'namespace="{{namespace}}",release="{{release}}"';
const analysis: AnalysisSpec = {
  requests: `http_requests_total{${selector}}`,
  metrics: [
    {
      name: 'error-rate',
      title: '5xx rate',
      kind: 'errors',
      bad: `http_requests_total{${selector},code=~"5.."}`,
      total: `http_requests_total{${selector}}`
    },
    {
      name: 'latency',
      title: 'p95',
      kind: 'latency',
      quantile: 0.95,
      buckets: `http_request_duration_seconds_bucket{${selector}}`
    },
    {
      name: 'conversion',
      title: 'conversion',
      kind: 'ratio',
      numerator: `storefront_checkouts_total{${selector}}`,
      denominator: `storefront_sessions_total{${selector}}`,
      margin: 0.1
    }
  ],
  alpha: 0.05,
  minCanaryRequests: 10,
  maxExtraSoakSeconds: 0,
  noData: 'fail',
  maxMetricFailures: 3
};

/** What one pod exposes: requests by code, a latency histogram (3 bounds), sessions and checkouts. */
function pod(ok: number, errors: number, le: [number, number, number], sessions: number, checkouts: number) {
  const series: ExposedSeries[] = [
    { name: 'http_requests_total', labels: { method: 'GET', route: '/', code: '200' }, value: ok },
    { name: 'storefront_sessions_total', value: sessions },
    { name: 'storefront_checkouts_total', value: checkouts }
  ];
  if (errors > 0)
    series.push({
      name: 'http_requests_total',
      labels: { method: 'GET', route: '/', code: '503' },
      value: errors
    });
  const bounds = ['0.1', '0.5', '+Inf'];
  bounds.forEach((bound, i) =>
    series.push({
      name: 'http_request_duration_seconds_bucket',
      labels: { route: '/', le: bound },
      value: le[i]
    })
  );
  return series;
}

let prometheus: RunningPrometheus | undefined;
let stable: Exporter;
let canary: Exporter;

beforeAll(async () => {
  stable = await startExporter(pod(100, 2, [50, 90, 102], 40, 4));
  canary = await startExporter([]); // the canary does not exist yet
  prometheus = await startPrometheus({
    scrapeInterval: 1,
    targets: [
      { address: stable.address, labels: { namespace: 'shop', release: 'storefront' } },
      { address: canary.address, labels: { namespace: 'shop', release: 'storefront-canary' } }
    ]
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await stable?.close();
  await canary?.close();
});

async function scraped(): Promise<void> {
  await waitForScrape(prometheus!.url, stable);
  await waitForScrape(prometheus!.url, canary);
}

it('samples per-series deltas for both arms, counting a new canary fully and a restart from zero', async () => {
  await scraped();
  const provider = new PrometheusProvider({ url: prometheus!.url, headers: {}, timeoutSeconds: 5 });
  const sampler = new MetricSampler(provider, {
    release: 'storefront',
    canaryRelease: 'storefront-canary',
    namespace: 'shop',
    analysis
  });

  // Baseline: stable's cumulative counters; the canary has none.
  expect(await sampler.baseline()).toEqual({
    stable: {
      'error-rate': { kind: 'errors', bad: 2, total: 102 },
      latency: {
        kind: 'latency',
        histogram: {
          count: 102,
          buckets: [
            { le: 0.1, count: 50 },
            { le: 0.5, count: 90 },
            { le: Infinity, count: 102 }
          ]
        }
      },
      conversion: { kind: 'ratio', numerator: 4, denominator: 40 }
    }
  });

  // The canary pod starts and serves; stable keeps going.
  stable.publish(pod(150, 2, [80, 140, 152], 50, 6));
  canary.publish(pod(10, 1, [4, 9, 11], 5, 1));
  await scraped();
  const first = await sampler.sample();
  expect(first.requests).toEqual({ canary: 11, stable: 50 });
  expect(first.metrics['error-rate']).toEqual({
    canary: { kind: 'errors', bad: 1, total: 11 },
    stable: { kind: 'errors', bad: 0, total: 50 }
  });
  expect(first.metrics.latency.canary).toEqual({
    kind: 'latency',
    histogram: {
      count: 11,
      buckets: [
        { le: 0.1, count: 4 },
        { le: 0.5, count: 9 },
        { le: Infinity, count: 11 }
      ]
    }
  });
  expect(first.metrics.latency.stable).toMatchObject({ histogram: { count: 50 } });
  expect(first.metrics.conversion).toEqual({
    canary: { kind: 'ratio', numerator: 1, denominator: 5 },
    stable: { kind: 'ratio', numerator: 2, denominator: 10 }
  });

  // The canary pod restarts: every counter starts again from zero (its 5xx series is gone for now).
  canary.publish(pod(3, 0, [2, 3, 3], 1, 0));
  await scraped();
  const second = await sampler.sample();
  expect(second.requests).toEqual({ canary: 3, stable: 0 });
  expect(second.metrics['error-rate'].canary).toEqual({ kind: 'errors', bad: 0, total: 3 });
  expect(second.metrics.latency.canary).toMatchObject({ histogram: { count: 3 } });
  expect(second.metrics.conversion.canary).toEqual({ kind: 'ratio', numerator: 0, denominator: 1 });

  // Growth after the restart is a plain delta again.
  canary.publish(pod(8, 1, [6, 8, 9], 3, 1));
  await scraped();
  const third = await sampler.sample();
  expect(third.requests).toEqual({ canary: 6, stable: 0 });
  expect(third.metrics['error-rate'].canary).toEqual({ kind: 'errors', bad: 1, total: 6 });
});

it('reports an arm with no series as null, never as zero', async () => {
  const provider = new PrometheusProvider({ url: prometheus!.url, headers: {}, timeoutSeconds: 5 });
  const sampler = new MetricSampler(provider, {
    release: 'storefront',
    canaryRelease: 'no-such-release',
    namespace: 'shop',
    analysis
  });
  await sampler.baseline();
  const sample = await sampler.sample();
  expect(sample.requests.canary).toBeNull();
  expect(sample.requests.stable).toEqual(expect.any(Number));
  expect(sample.metrics['error-rate'].canary).toBeNull();
  expect(sample.metrics.latency.canary).toBeNull();
  expect(sample.metrics.conversion.canary).toBeNull();
});

it('surfaces a query Prometheus rejects, naming it, without retrying', async () => {
  const logs: string[] = [];
  const provider = new PrometheusProvider(
    { url: prometheus!.url, headers: {}, timeoutSeconds: 5 },
    { backoffMs: 1, log: (l) => logs.push(l) }
  );
  await expect(provider.query('http_requests_total{release="x"')).rejects.toThrow(
    /rejected query http_requests_total\{release="x": bad_data: .*parse error/
  );
  expect(logs).toEqual([]);
});

it('an arm whose target goes away becomes null after a reload (no data is never zero)', async () => {
  const provider = new PrometheusProvider({ url: prometheus!.url, headers: {}, timeoutSeconds: 5 });
  const sampler = new MetricSampler(provider, {
    release: 'storefront',
    canaryRelease: 'storefront-canary',
    namespace: 'shop',
    analysis
  });
  await sampler.baseline();
  await prometheus!.reload([
    { address: stable.address, labels: { namespace: 'shop', release: 'storefront' } }
  ]);
  // Prometheus marks a dropped target's series stale; wait until the canary's are gone.
  await waitForQuery(
    prometheus!.url,
    'http_requests_total{release="storefront-canary"}',
    (r) => r.length === 0
  );
  const sample = await sampler.sample();
  expect(sample.requests.canary).toBeNull();
  expect(sample.metrics['error-rate'].canary).toBeNull();
  expect(sample.requests.stable).toEqual(expect.any(Number));
});
