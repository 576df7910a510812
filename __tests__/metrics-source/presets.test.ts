// The metric sources' queries, through the config as a user selects them (input or analysis key).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readRolloutSpec } from '../../src/config/index.js';
import type { MetricSpec, RolloutSpec } from '../../src/config/spec.js';
import { renderQuery } from '../../src/metrics/promql.js';
import { resolveArmValues } from '../../src/metrics-source/arm-names.js';
import { placeholdersOfAnalysis } from '../../src/metrics-source/resolve-arms.js';
import { BASE_INPUTS, configErrorOf, inputs, makeWorkspace, type Workspace } from '../config/helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

function spec(extra: Record<string, string>): RolloutSpec {
  return readRolloutSpec(inputs({ ...BASE_INPUTS, ...extra }), { cwd: ws.dir, env: {} });
}
function queries(metrics: MetricSpec[]): Record<string, string[]> {
  return Object.fromEntries(
    metrics.map((m) => [
      m.name,
      m.kind === 'errors'
        ? [m.bad, m.total]
        : m.kind === 'latency'
          ? [m.buckets]
          : [m.numerator, m.denominator]
    ])
  );
}

describe('metrics-source presets', () => {
  test('app is the default: the release label, and conversion', () => {
    const s = spec({});
    expect(s.metricsSource).toBe('app');
    expect(s.analysis.requests).toBe('http_requests_total{namespace="{{namespace}}",release="{{release}}"}');
    expect(s.analysis.metrics.map((m) => m.name)).toEqual(['error-rate', 'latency-p95', 'conversion']);
  });

  test('app with pod-label selects arms by pod name, with the status label the app uses', () => {
    const s = spec({ analysis: 'names:\n  pod-label: pod\n  status-code-label: status\n' });
    expect(queries(s.analysis.metrics)['error-rate']).toEqual([
      'http_requests_total{namespace="{{namespace}}",pod=~"{{pods}}",status=~"5.."}',
      'http_requests_total{namespace="{{namespace}}",pod=~"{{pods}}"}'
    ]);
  });

  test('ingress-nginx: the controller counters by stable Ingress and the canary upstream', () => {
    const s = spec({ 'metrics-source': 'ingress-nginx' });
    const arm = 'namespace="{{namespace}}",ingress="{{ingress}}",canary=~"{{nginx-canary}}"';
    expect(s.analysis.requests).toBe(`nginx_ingress_controller_requests{${arm}}`);
    expect(queries(s.analysis.metrics)).toEqual({
      'error-rate': [
        `nginx_ingress_controller_requests{${arm},status=~"5.."}`,
        `nginx_ingress_controller_requests{${arm}}`
      ],
      'latency-p95': [`nginx_ingress_controller_request_duration_seconds_bucket{${arm}}`]
    });
  });

  test('istio: by destination workload, latency in milliseconds', () => {
    const s = spec({ 'metrics-source': 'istio', routing: 'istio' });
    const arm =
      'reporter="destination",destination_workload_namespace="{{namespace}}",destination_workload="{{workload}}"';
    expect(queries(s.analysis.metrics)).toEqual({
      'error-rate': [`istio_requests_total{${arm},response_code=~"5.."}`, `istio_requests_total{${arm}}`],
      'latency-p95': [`istio_request_duration_milliseconds_bucket{${arm}}`]
    });
    const latency = s.analysis.metrics.find((m) => m.name === 'latency-p95');
    expect(latency?.kind === 'latency' && latency.bucketUnit).toBe('milliseconds');
  });

  test('traefik, from the analysis key, with extra matchers kept', () => {
    const s = spec({ analysis: 'metrics-source: traefik\nnames:\n  extra-matchers: job="traefik"\n' });
    expect(s.metricsSource).toBe('traefik');
    expect(s.analysis.requests).toBe(
      'traefik_service_requests_total{service=~"{{traefik-service}}",job="traefik"}'
    );
    expect(queries(s.analysis.metrics)['error-rate'][0]).toBe(
      'traefik_service_requests_total{service=~"{{traefik-service}}",code=~"5..",job="traefik"}'
    );
  });

  test('a rendered istio query for both arms: the arms read different workloads, escaped', () => {
    const s = spec({ 'metrics-source': 'istio', release: 'shop', namespace: 'prod' });
    const values = resolveArmValues({
      release: 'shop',
      canaryRelease: 'shop-canary',
      namespace: 'prod',
      routing: s.routing,
      stableObjects: [{ kind: 'Deployment', name: 'shop-web' }],
      needed: placeholdersOfAnalysis(s.analysis)
    });
    expect(renderQuery(s.analysis.requests, values.canary)).toBe(
      'istio_requests_total{reporter="destination",destination_workload_namespace="prod",destination_workload="shop-canary-web"}'
    );
    expect(renderQuery(s.analysis.requests, values.stable)).toContain('destination_workload="shop-web"');
  });

  test('mistakes are named errors', () => {
    expect(configErrorOf(() => spec({ 'metrics-source': 'linkerd' }))).toBe(
      'input `metrics-source`: expected one of app, ingress-nginx, istio, traefik, got "linkerd".'
    );
    expect(
      configErrorOf(() => spec({ 'metrics-source': 'traefik', analysis: 'metrics-source: istio\n' }))
    ).toBe(
      'input `metrics-source` is traefik but input `analysis` says `metrics-source: istio`; give it in one place.'
    );
    expect(configErrorOf(() => spec({ 'metrics-source': 'ingress-nginx', routing: 'replicas' }))).toBe(
      'input `metrics-source`: metrics-source ingress-nginx tells the arms apart only with routing ingress-nginx (routing is replicas); choose another metrics-source or routing.'
    );
    expect(
      configErrorOf(() =>
        spec({ 'metrics-source': 'traefik', analysis: 'metrics:\n  - name: conversion\n    min: 1%\n' })
      )
    ).toMatch(/metrics-source traefik has no built-in "conversion" metric; give it a `kind`/);
    // Switching off what the source does not have is fine.
    expect(
      spec({ 'metrics-source': 'traefik', analysis: 'metrics:\n  - name: conversion\n    enabled: false\n' })
        .analysis.metrics
    ).toHaveLength(2);
  });

  test('a custom query may tell the arms apart by {{pods}} instead of {{release}}', () => {
    const s = spec({ analysis: 'requests: http_requests_total{pod=~"{{pods}}"}\n' });
    expect(s.analysis.requests).toBe('http_requests_total{pod=~"{{pods}}"}');
    expect(
      configErrorOf(() => spec({ analysis: 'requests: http_requests_total{namespace="{{namespace}}"}\n' }))
    ).toMatch(/expected a query containing \{\{release\}\}.* or \{\{pods\}\}/);
  });
});
