// A complete, valid RolloutSpec for tests; each test overrides what it is about.
import type { RolloutSpec } from '../../src/config/spec.js';

export function rolloutSpec(overrides: Partial<RolloutSpec> = {}): RolloutSpec {
  return {
    command: 'deploy',
    release: 'storefront',
    canaryRelease: 'storefront-canary',
    chart: './charts/storefront',
    namespace: 'shop',
    valuesFiles: ['values/prod.yaml', 'values/eu.yaml'],
    set: [{ key: 'replicaCount', value: '3' }],
    version: '1.4.0',
    versionKey: 'image.tag',
    steps: [20],
    soakSeconds: 600,
    intervalSeconds: 30,
    routing: 'ingress-nginx',
    // The storefront chart exposes ingress.annotations: the wiring would find the canary Ingress is the chart's.
    canaryIngress: 'chart',
    weightValues: [],
    prometheus: { url: 'http://127.0.0.1:9090', headers: {}, timeoutSeconds: 10 },
    analysis: {
      requests: 'http_requests_total{namespace="{{namespace}}",release="{{release}}"}',
      metrics: [],
      alpha: 0.05,
      minCanaryRequests: 100,
      maxExtraSoakSeconds: 300,
      noData: 'fail',
      maxMetricFailures: 3
    },
    judge: 'threshold',
    decision: 'auto',
    manualGate: 'every-step',
    checkName: 'canary / storefront',
    helmTimeoutSeconds: 300,
    dryRun: false,
    replace: false,
    firstRelease: 'install',
    reportPath: 'canary-report.json',
    ...overrides
  };
}
