// The analysis YAML through readRolloutSpec: strict keys (file and inline), name overrides that
// rewrite the built-in queries, custom metrics of each kind, disabling and overriding built-ins.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { readRolloutSpec } from '../../src/config/index.js';
import type { MetricSpec } from '../../src/config/spec.js';
import { BASE_INPUTS, configErrorOf, inputs, makeWorkspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

function withFile(yaml: string, extra: Record<string, string> = {}) {
  ws.write('.github/canary.yml', yaml);
  return readRolloutSpec(inputs({ ...BASE_INPUTS, config: '.github/canary.yml', ...extra }), {
    cwd: ws.dir,
    env: {}
  });
}
function inline(yaml: string, extra: Record<string, string> = {}) {
  return readRolloutSpec(inputs({ ...BASE_INPUTS, analysis: yaml, ...extra }), { cwd: ws.dir, env: {} });
}
function metric(metrics: MetricSpec[], name: string): MetricSpec {
  const found = metrics.find((m) => m.name === name);
  if (!found) throw new Error(`no metric ${name}`);
  return found;
}

describe('strict keys', () => {
  test('an unknown top-level key in the config file names the key, the file and the allowed keys', () => {
    expect(configErrorOf(() => withFile('metrcs: []\n'))).toBe(
      'config file .github/canary.yml, key `metrcs` (line 1): unknown key "metrcs". Allowed keys: names, requests, metrics, query-timeout, max-metric-failures, metrics-source.'
    );
  });

  test('an unknown key inline names the input', () => {
    expect(configErrorOf(() => inline('metrics:\n  - name: error-rate\n    maximum: 2%\n'))).toMatch(
      /^input `analysis`, key `metrics\[0\]\.maximum` \(line 3\): unknown key "maximum"\. Allowed keys for an errors metric under metrics\[0\]: name, kind, title, enabled, alpha, bad, total, max\.$/
    );
  });

  test('an unknown key under names lists the name keys', () => {
    expect(configErrorOf(() => withFile('names:\n  request-metric: x\n'))).toBe(
      'config file .github/canary.yml, key `names.request-metric` (line 2): unknown key "request-metric". Allowed keys under names: requests-metric, latency-histogram, sessions-metric, checkouts-metric, status-code-label, release-label, namespace-label, extra-matchers, pod-label.'
    );
  });

  test('snake_case and camelCase keys get a kebab-case hint', () => {
    expect(configErrorOf(() => inline('query_timeout: 5s'))).toContain(
      'unknown key "query_timeout" (keys are kebab-case: did you mean "query-timeout"?)'
    );
    expect(configErrorOf(() => inline('names:\n  releaseLabel: app'))).toContain(
      'did you mean "release-label"?'
    );
  });

  test('a key that belongs to another kind is refused for a typed metric', () => {
    expect(
      configErrorOf(() =>
        inline(
          'metrics:\n  - name: slow\n    kind: errors\n    bad: x{release="{{release}}"}\n    total: y{release="{{release}}"}\n    quantile: 0.9\n'
        )
      )
    ).toBe(
      'input `analysis`, key `metrics[0].quantile` (line 6): unknown key "quantile". Allowed keys for an errors metric under metrics[0]: name, kind, title, enabled, alpha, bad, total, max.'
    );
  });

  test('a key of another kind on a built-in override is refused', () => {
    expect(configErrorOf(() => inline('metrics:\n  - name: error-rate\n    margin: 0.2\n'))).toBe(
      'input `analysis`, key `metrics[0].margin` (line 3): unknown key "margin". Allowed keys for an errors metric under metrics[0]: name, kind, title, enabled, alpha, bad, total, max.'
    );
  });

  test('invalid YAML names the file', () => {
    expect(configErrorOf(() => withFile('metrics: [\n'))).toMatch(
      /^config file \.github\/canary\.yml: not valid YAML: /
    );
  });

  test('a top level that is not a map', () => {
    expect(configErrorOf(() => inline('- error-rate'))).toMatch(
      /^input `analysis`: expected a YAML map with the keys names, requests/
    );
  });

  test('metrics that are not a list', () => {
    expect(configErrorOf(() => inline('metrics:\n  error-rate: 2%'))).toMatch(
      /key `metrics`: expected a list of metrics/
    );
  });

  test('a missing config file names the file', () => {
    expect(
      configErrorOf(() =>
        readRolloutSpec(inputs({ ...BASE_INPUTS, config: '.github/nope.yml' }), { cwd: ws.dir, env: {} })
      )
    ).toBe(
      `input \`config\`: file .github/nope.yml not found (looked at ${path.join(ws.dir, '.github', 'nope.yml')}); expected a YAML file such as .github/canary.yml.`
    );
  });

  test('an empty file means all defaults', () => {
    expect(withFile('').analysis.metrics.map((m) => m.name)).toEqual([
      'error-rate',
      'latency-p95',
      'conversion'
    ]);
  });
});

describe('names: overrides rewrite the built-in queries', () => {
  test('metric names, labels and extra matchers', () => {
    const spec = withFile(
      [
        'names:',
        '  requests-metric: nginx_ingress_controller_requests',
        '  latency-histogram: nginx_ingress_controller_request_duration_seconds',
        '  sessions-metric: shop_sessions_total',
        '  checkouts-metric: shop_orders_total',
        '  status-code-label: status',
        '  release-label: app_kubernetes_io_instance',
        '  namespace-label: kubernetes_namespace',
        '  extra-matchers: job="shop", env!="dev"',
        ''
      ].join('\n'),
      { namespace: 'shop' }
    );
    const sel =
      'kubernetes_namespace="{{namespace}}",app_kubernetes_io_instance="{{release}}",job="shop",env!="dev"';
    expect(spec.analysis.requests).toBe(`nginx_ingress_controller_requests{${sel}}`);
    expect(metric(spec.analysis.metrics, 'error-rate')).toMatchObject({
      bad: `nginx_ingress_controller_requests{${sel},status=~"5.."}`,
      total: `nginx_ingress_controller_requests{${sel}}`
    });
    expect(metric(spec.analysis.metrics, 'latency-p95')).toMatchObject({
      buckets: `nginx_ingress_controller_request_duration_seconds_bucket{${sel}}`,
      bucketUnit: 'seconds'
    });
    expect(metric(spec.analysis.metrics, 'conversion')).toMatchObject({
      numerator: `shop_orders_total{${sel}}`,
      denominator: `shop_sessions_total{${sel}}`
    });
  });

  test('an empty namespace-label drops the namespace matcher; a map of extra matchers is escaped', () => {
    const spec = inline(
      'names:\n  namespace-label: ""\n  latency-histogram: api_latency_milliseconds_bucket\n  extra-matchers:\n    team: \'a"b\'\n'
    );
    expect(spec.analysis.requests).toBe('http_requests_total{release="{{release}}",team="a\\"b"}');
    expect(metric(spec.analysis.metrics, 'latency-p95')).toMatchObject({
      buckets: 'api_latency_milliseconds_bucket{release="{{release}}",team="a\\"b"}',
      bucketUnit: 'milliseconds'
    });
  });

  test('bad metric and label names and matcher lists are refused', () => {
    expect(configErrorOf(() => inline('names:\n  requests-metric: http-requests'))).toBe(
      'input `analysis`, key `names.requests-metric`: expected a Prometheus metric name like http_requests_total, got "http-requests".'
    );
    expect(configErrorOf(() => inline('names:\n  release-label: app.kubernetes.io/instance'))).toMatch(
      /key `names.release-label`: expected a Prometheus label name/
    );
    expect(configErrorOf(() => inline('names:\n  extra-matchers: job=shop'))).toMatch(
      /key `names.extra-matchers`: expected PromQL label matchers like job="storefront"/
    );
  });
});

describe('metrics: custom, overridden and disabled', () => {
  const custom = [
    'metrics:',
    '  - name: error-rate',
    '    max: 2%',
    '    alpha: 0.02',
    '  - name: latency-p95',
    '    quantile: 0.99',
    '    max: 1.5s',
    '  - name: conversion',
    '    enabled: false',
    '  - name: checkout-failures',
    '    kind: errors',
    '    title: Failed checkouts',
    '    bad: storefront_checkout_failures_total{namespace="{{namespace}}",release="{{release}}"}',
    '    total: storefront_checkouts_total{namespace="{{namespace}}",release="{{release}}"}',
    '    max: 0.01',
    '  - name: add-to-cart',
    '    kind: ratio',
    '    numerator: storefront_cart_adds_total{release="{{release}}"}',
    '    denominator: storefront_sessions_total{release="{{release}}"}',
    '    margin: 20%',
    '  - name: db-latency',
    '    kind: latency',
    '    buckets: db_query_duration_seconds_bucket{release="{{release}}"}',
    'requests: http_requests_total{release="{{release}}",route!="/healthz"}',
    'query-timeout: 5s',
    'max-metric-failures: 3',
    ''
  ].join('\n');

  test('overrides merge onto the built-ins, new metrics follow, disabled ones vanish', () => {
    const spec = withFile(custom, { 'min-conversion-rate': '2%' });
    const { metrics } = spec.analysis;
    expect(metrics.map((m) => m.name)).toEqual([
      'error-rate',
      'latency-p95',
      'checkout-failures',
      'add-to-cart',
      'db-latency'
    ]);
    expect(metric(metrics, 'error-rate')).toMatchObject({
      kind: 'errors',
      max: 0.02,
      alpha: 0.02,
      title: '5xx rate'
    });
    expect(metric(metrics, 'latency-p95')).toMatchObject({
      quantile: 0.99,
      maxMs: 1500,
      title: 'p99 latency'
    });
    expect(metric(metrics, 'checkout-failures')).toMatchObject({
      kind: 'errors',
      title: 'Failed checkouts',
      bad: 'storefront_checkout_failures_total{namespace="{{namespace}}",release="{{release}}"}',
      max: 0.01
    });
    expect(metric(metrics, 'add-to-cart')).toMatchObject({
      kind: 'ratio',
      margin: 0.2,
      title: 'add-to-cart'
    });
    expect(metric(metrics, 'db-latency')).toMatchObject({
      kind: 'latency',
      quantile: 0.95,
      bucketUnit: 'seconds'
    });
    expect(metric(metrics, 'db-latency')).not.toHaveProperty('maxMs');
    expect(spec.analysis.requests).toBe('http_requests_total{release="{{release}}",route!="/healthz"}');
    expect(spec.prometheus.timeoutSeconds).toBe(5);
    expect(spec.analysis.maxMetricFailures).toBe(3);
    // error-rate keeps its 0.02; the others get no fixed share here: the judge splits what is
    // left by metric kind (src/judge/alpha.ts).
    expect(metric(metrics, 'error-rate').alpha).toBe(0.02);
    for (const name of ['latency-p95', 'checkout-failures', 'add-to-cart', 'db-latency']) {
      expect(metric(metrics, name).alpha).toBeUndefined();
    }
  });

  test('a YAML guard wins over the input guard for its metric', () => {
    const spec = inline('metrics:\n  - name: error-rate\n    max: 1%\n', { 'max-error-rate': '10%' });
    expect(metric(spec.analysis.metrics, 'error-rate')).toMatchObject({ max: 0.01 });
  });

  test('a new metric without kind', () => {
    expect(
      configErrorOf(() => inline('metrics:\n  - name: timeouts\n    bad: x{release="{{release}}"}\n'))
    ).toBe(
      'input `analysis`, key `metrics[0]`: expected a `kind` (errors, latency or ratio) for the new metric "timeouts" (the built-in metrics are error-rate, latency-p95, conversion).'
    );
  });

  test('a new metric missing its query', () => {
    expect(
      configErrorOf(() =>
        inline('metrics:\n  - name: timeouts\n    kind: errors\n    bad: x{release="{{release}}"}\n')
      )
    ).toBe('input `analysis`, key `metrics[0]`: expected a `total` query for the errors metric "timeouts".');
  });

  test('a built-in with another kind', () => {
    expect(configErrorOf(() => inline('metrics:\n  - name: conversion\n    kind: errors\n'))).toBe(
      'input `analysis`, key `metrics[0].kind`: "conversion" is the built-in ratio metric; give the new errors metric another name.'
    );
  });

  test('a bad kind', () => {
    expect(configErrorOf(() => inline('metrics:\n  - name: x\n    kind: gauge\n'))).toBe(
      'input `analysis`, key `metrics[0].kind`: expected one of errors, latency, ratio, got "gauge".'
    );
  });

  test('queries must tell the arms apart and read raw counters', () => {
    expect(configErrorOf(() => inline('requests: http_requests_total'))).toMatch(
      /key `requests`: expected a query containing \{\{release\}\}/
    );
    expect(
      configErrorOf(() => inline('requests: sum(rate(http_requests_total{release="{{release}}"}[1m]))'))
    ).toMatch(/key `requests`: expected raw counters without rate\(\)/);
    expect(configErrorOf(() => inline('requests: x{release="{{release}}",ns="{{ns}}"}'))).toBe(
      'input `analysis`, key `requests`: unknown placeholder {{ns}}; the placeholders are {{release}}, {{namespace}}, {{pods}}, {{workload}}, {{service}}, {{ingress}}, {{nginx-canary}}, {{traefik-service}}.'
    );
  });

  test('guards in the YAML are parsed by kind', () => {
    expect(configErrorOf(() => inline('metrics:\n  - name: latency-p95\n    max: 1 second\n'))).toMatch(
      /key `metrics\[0\]\.max`: expected a latency like 1000ms/
    );
    expect(configErrorOf(() => inline('metrics:\n  - name: error-rate\n    max: 5\n'))).toMatch(
      /key `metrics\[0\]\.max`: expected a percentage .*did you mean 5%\?/
    );
  });

  test('duplicate names, a reserved name and all disabled', () => {
    expect(configErrorOf(() => inline('metrics:\n  - name: error-rate\n  - name: error-rate\n'))).toBe(
      'input `analysis`, key `metrics[1]`: metric name "error-rate" is used twice.'
    );
    expect(configErrorOf(() => inline('metrics:\n  - name: requests\n'))).toMatch(/not "requests"/);
    const off =
      'metrics:\n' +
      ['error-rate', 'latency-p95', 'conversion'].map((n) => `  - name: ${n}\n    enabled: false\n`).join('');
    expect(configErrorOf(() => inline(off))).toBe(
      'input `analysis`: every metric is disabled; keep at least one enabled.'
    );
  });

  test('alpha shares may not exceed the overall alpha', () => {
    expect(
      configErrorOf(() =>
        inline('metrics:\n  - name: error-rate\n    alpha: 0.04\n  - name: conversion\n    alpha: 0.02\n')
      )
    ).toBe(
      "input `analysis`: the metrics' alpha shares sum to 0.06, more than input `alpha` (0.05); lower them or raise alpha."
    );
    expect(configErrorOf(() => inline('metrics:\n  - name: error-rate\n    alpha: 0.05\n'))).toMatch(
      /leaving nothing for 2 metric\(s\) without an alpha/
    );
  });

  test('max-metric-failures and query-timeout are checked', () => {
    expect(configErrorOf(() => inline('max-metric-failures: 0'))).toMatch(
      /key `max-metric-failures`: expected a whole number/
    );
    expect(configErrorOf(() => inline('query-timeout: 10 seconds'))).toMatch(
      /key `query-timeout`: expected a duration/
    );
  });
});
