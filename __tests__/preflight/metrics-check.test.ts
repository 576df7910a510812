import { resolveMetrics } from '../../src/config/resolve-metrics.js';
import { DEFAULT_METRIC_NAMES } from '../../src/config/default-metrics.js';
import type { AnalysisConfig } from '../../src/config/analysis.js';
import type { AnalysisSpec } from '../../src/config/spec.js';
import { checkMetrics, increaseBetween, TRAFFIC_WINDOW_SECONDS } from '../../src/preflight/metrics-check.js';
import type { CounterSeries } from '../../src/metrics/types.js';
import { NOW_MS, TablePrometheus, series } from './fakes.js';

const SEL = 'namespace="shop",release="storefront"';
const REQUESTS = `http_requests_total{${SEL}}`;
const BUCKETS = `http_request_duration_seconds_bucket{${SEL}}`;
const SESSIONS = `storefront_sessions_total{${SEL}}`;
const CHECKOUTS = `storefront_checkouts_total{${SEL}}`;

function analysis(
  names: Partial<typeof DEFAULT_METRIC_NAMES> = {},
  noData: 'fail' | 'pass' = 'fail'
): AnalysisSpec {
  const config: AnalysisConfig | undefined =
    Object.keys(names).length > 0
      ? { source: 'input `analysis`', names: { ...DEFAULT_METRIC_NAMES, ...names }, metrics: [] }
      : undefined;
  const resolved = resolveMetrics(config, { maxErrorRate: 0.05, maxLatencyMs: 1000 }, 0.05);
  return {
    ...resolved,
    alpha: 0.05,
    minCanaryRequests: 50,
    maxExtraSoakSeconds: 60,
    noData,
    maxMetricFailures: 3
  };
}

const codes = (code: string, value: number): CounterSeries =>
  series({ release: 'storefront', code, method: 'GET' }, value);

/** What a healthy storefront shows for stable: traffic, codes, buckets, sessions and checkouts. */
function healthy(overrides: Record<string, CounterSeries[]> = {}): Record<string, CounterSeries[]> {
  return {
    [REQUESTS]: [codes('200', 900), codes('500', 3)],
    [BUCKETS]: [series({ le: '0.1' }, 800), series({ le: '+Inf' }, 903)],
    [SESSIONS]: [series({}, 120)],
    [CHECKOUTS]: [series({}, 30)],
    ...overrides
  };
}

const run = (prometheus: TablePrometheus, spec = analysis()) =>
  checkMetrics({
    analysis: spec,
    release: 'storefront',
    namespace: 'shop',
    provider: prometheus,
    now: NOW_MS
  });

describe('preflight: every metric can see stable', () => {
  it('passes the defaults on a storefront with traffic, reading the judge queries for stable', async () => {
    const prometheus = new TablePrometheus(healthy(), { [REQUESTS]: [codes('200', 400)] });
    const found = await run(prometheus);
    expect(found.errors).toEqual([]);
    expect(found.dropped).toEqual([]);
    expect(found.analysis.metrics.map((m) => m.name)).toEqual(['error-rate', 'latency-p95', 'conversion']);
    expect(found.lines.map((l) => [l.subject, l.status])).toEqual([
      ['requests', 'ok'],
      ['error-rate', 'ok'],
      ['latency-p95', 'ok'],
      ['conversion', 'ok']
    ]);
    // 900 - 400 on the series seen both times, plus 3 on the new series.
    expect(found.lines[0].detail).toBe('503 stable requests in the last 5 min');
    expect(prometheus.queries).toContainEqual({
      promql: REQUESTS,
      time: NOW_MS / 1000 - TRAFFIC_WINDOW_SECONDS
    });
  });

  it("reads stable through the arm placeholders the sampler fills (podinfo's pods by name)", async () => {
    const pods = 'podinfo-[a-z0-9]{1,10}-[a-z0-9]{5}';
    const spec = analysis({ statusCodeLabel: 'status' });
    const byPods = {
      ...spec,
      requests: 'http_requests_total{namespace="{{namespace}}",pod=~"{{pods}}"}',
      metrics: spec.metrics.filter((m) => m.name === 'error-rate')
    };
    const errorRate = byPods.metrics[0] as { bad: string; total: string };
    errorRate.bad = 'http_requests_total{namespace="{{namespace}}",pod=~"{{pods}}",status=~"5.."}';
    errorRate.total = byPods.requests;
    const rendered = `http_requests_total{namespace="shop",pod=~"${pods.replace(/\\/g, '\\\\')}"}`;
    const status = (code: string, value: number): CounterSeries => series({ status: code }, value);
    const prometheus = new TablePrometheus(
      { [rendered]: [status('200', 900), status('500', 3)] },
      { [rendered]: [status('200', 400)] }
    );
    const found = await checkMetrics({
      analysis: byPods,
      release: 'podinfo',
      namespace: 'shop',
      provider: prometheus,
      stableArm: { pods },
      now: NOW_MS
    });
    expect(prometheus.queries.map((q) => q.promql)).toContain(rendered);
    expect(found.errors).toEqual([]);
    expect(found.lines[0]).toMatchObject({ subject: 'requests', status: 'ok' });

    // Without the arm values the placeholder cannot be filled: an error, never a silent pass.
    await expect(
      checkMetrics({
        analysis: byPods,
        release: 'podinfo',
        namespace: 'shop',
        provider: prometheus,
        now: NOW_MS
      })
    ).rejects.toThrow(/no value for \{\{pods\}\}/);
  });

  it('no traffic for stable in the window is a named error, or a warning with no-data: pass', async () => {
    const flat = { [REQUESTS]: [codes('200', 900)] };
    const failing = await run(new TablePrometheus(healthy(flat), flat));
    expect(failing.errors.map((e) => e.code)).toEqual(['no-stable-traffic']);
    expect(failing.errors[0].message).toMatch(/no requests in the last 5 minutes.*no-data: pass/);
    const passing = await run(new TablePrometheus(healthy(flat), flat), analysis({}, 'pass'));
    expect(passing.errors).toEqual([]);
    expect(passing.lines[0].status).toBe('warn');
  });

  it('series without the release label: the error shows the labels they do carry', async () => {
    const prometheus = new TablePrometheus({
      ...healthy({ [REQUESTS]: [] }),
      'http_requests_total{namespace="shop"}': [
        series({ namespace: 'shop', pod: 'podinfo-7d9-x2', status: '200' }, 5)
      ]
    });
    const found = await run(prometheus);
    expect(found.errors[0].code).toBe('no-stable-traffic');
    expect(found.errors[0].message).toContain(
      'none with `release="storefront"` (their labels: namespace, pod, status)'
    );
  });

  it('a default error metric whose status label is missing is dropped with a warning that names the right label', async () => {
    const podinfoLike = [
      series({ release: 'storefront', status: '200' }, 900),
      series({ release: 'storefront', status: '500' }, 9)
    ];
    const found = await run(new TablePrometheus(healthy({ [REQUESTS]: podinfoLike })));
    expect(found.errors).toEqual([]);
    expect(found.dropped).toEqual(['error-rate']);
    expect(found.analysis.metrics.map((m) => m.name)).toEqual(['latency-p95', 'conversion']);
    const line = found.lines.find((l) => l.subject === 'error-rate')!;
    expect(line).toMatchObject({ status: 'warn', code: 'status-label-missing' });
    expect(line.detail).toContain('carry no label `code`');
    expect(line.detail).toContain('looks like it is in `status`');
  });

  it('a configured status label that the series lack is an error, and the metric stays', async () => {
    const found = await run(new TablePrometheus(healthy()), analysis({ statusCodeLabel: 'status' }));
    expect(found.errors.map((e) => e.code)).toEqual(['status-label-missing']);
    expect(found.errors[0].message).toMatch(/^metric error-rate: the series of .* carry no label `status`/);
    expect(found.errors[0].message).toContain('`code`');
    expect(found.dropped).toEqual([]);
  });

  it('a histogram without buckets and a missing business counter: dropped as defaults, errors when configured', async () => {
    const blind = healthy({ [BUCKETS]: [series({ release: 'storefront' }, 5)], [SESSIONS]: [] });
    const defaults = await run(new TablePrometheus(blind));
    expect(defaults.dropped).toEqual(['latency-p95', 'conversion']);
    expect(defaults.errors).toEqual([]);
    const configured = await run(
      new TablePrometheus(blind),
      analysis({
        latencyHistogram: 'http_request_duration_seconds',
        sessionsMetric: 'storefront_sessions_total',
        checkoutsMetric: 'x_total'
      })
    );
    // Only the names that changed make a metric configured: latency's name is the default.
    expect(configured.dropped).toEqual(['latency-p95']);
    expect(configured.errors.map((e) => e.code)).toEqual(['metric-has-no-data']);
    expect(configured.errors[0].message).toContain('business counter `storefront_sessions_total{');
  });

  it('an absent numerator is a warning, not a drop (no checkout yet)', async () => {
    const found = await run(new TablePrometheus(healthy({ [CHECKOUTS]: [] })));
    expect(found.lines.find((l) => l.subject === 'conversion')).toMatchObject({ status: 'warn' });
    expect(found.dropped).toEqual([]);
  });

  it('when every default is blind, nothing is left to judge: an error', async () => {
    const found = await run(new TablePrometheus({ [REQUESTS]: [series({ release: 'storefront' }, 5)] }));
    expect(found.dropped).toEqual(['error-rate', 'latency-p95', 'conversion']);
    expect(found.errors.map((e) => e.code)).toEqual(['no-metric-left']);
  });
});

describe('increaseBetween', () => {
  it('counts per-series growth, a reset from zero, and new series in full', () => {
    const a = [series({ p: '1' }, 10), series({ p: '2' }, 50)];
    const b = [series({ p: '1' }, 15), series({ p: '2' }, 4), series({ p: '3' }, 7)];
    expect(increaseBetween(a, b)).toBe(5 + 4 + 7);
  });
});
