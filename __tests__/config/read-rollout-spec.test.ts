// readRolloutSpec end to end over inputs: one test per class of bad input, asserting its message,
// plus the happy paths the first user needs.
import { splitAlpha } from '../../src/judge/alpha.js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { readRolloutSpec } from '../../src/config/index.js';
import { BASE_INPUTS, configErrorOf, inputs, makeWorkspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
  ws.write('values/prod.yaml', 'replicaCount: 3\n');
});
afterAll(() => ws.remove());

function read(overrides: Record<string, string>, env: NodeJS.ProcessEnv = { RUNNER_TEMP: '/runner/temp' }) {
  return readRolloutSpec(inputs({ ...BASE_INPUTS, ...overrides }), { cwd: ws.dir, env });
}
function errorFor(overrides: Record<string, string>): string {
  return configErrorOf(() => read(overrides));
}

describe('happy paths', () => {
  test("the first user's example: defaults everywhere", () => {
    const spec = read({ 'min-conversion-rate': '2%' });
    expect(spec).toMatchObject({
      command: 'deploy',
      release: 'storefront',
      canaryRelease: 'storefront-canary',
      chart: path.join(ws.dir, 'charts', 'storefront'),
      namespace: 'default',
      version: '1.4.0',
      versionKey: 'image.tag',
      steps: [20],
      soakSeconds: 600,
      intervalSeconds: 30,
      routing: 'ingress-nginx',
      weightValues: [],
      prometheus: { url: 'http://127.0.0.1:9090', headers: {}, timeoutSeconds: 10 },
      judge: 'sequential',
      decision: 'auto',
      manualGate: 'every-step',
      helmTimeoutSeconds: 300,
      dryRun: false,
      replace: false,
      checkName: 'canary / storefront',
      reportPath: path.join('/runner/temp', 'canary-storefront-report.json')
    });
    expect(spec.analysis).toMatchObject({
      alpha: 0.05,
      minCanaryRequests: 50,
      maxExtraSoakSeconds: 300,
      noData: 'fail',
      maxMetricFailures: 5
    });
    expect(spec.analysis.requests).toBe(
      'http_requests_total{namespace="{{namespace}}",release="{{release}}"}'
    );
    const [errors, latency, conversion] = spec.analysis.metrics;
    expect(errors).toMatchObject({
      name: 'error-rate',
      kind: 'errors',
      bad: 'http_requests_total{namespace="{{namespace}}",release="{{release}}",code=~"5.."}',
      total: 'http_requests_total{namespace="{{namespace}}",release="{{release}}"}',
      max: 0.05
    });
    expect(latency).toMatchObject({
      name: 'latency-p95',
      kind: 'latency',
      buckets: 'http_request_duration_seconds_bucket{namespace="{{namespace}}",release="{{release}}"}',
      quantile: 0.95,
      maxMs: 1000,
      bucketUnit: 'seconds'
    });
    expect(conversion).toMatchObject({
      name: 'conversion',
      kind: 'ratio',
      numerator: 'storefront_checkouts_total{namespace="{{namespace}}",release="{{release}}"}',
      denominator: 'storefront_sessions_total{namespace="{{namespace}}",release="{{release}}"}',
      margin: 0.1,
      min: 0.02
    });
    // No fixed shares: the judge splits alpha by kind, and the split fills alpha exactly.
    expect(spec.analysis.metrics.every((m) => m.alpha === undefined)).toBe(true);
    const split = splitAlpha(spec.analysis);
    const shares = [...split.perMetric.values()];
    expect(shares.every((share) => share > 0)).toBe(true);
    expect(shares.reduce((a, b) => a + b, split.srm)).toBeCloseTo(0.05, 9);
    // The 5xx metric, the primary signal, gets the largest share.
    expect(split.perMetric.get('error-rate')).toBeGreaterThan(split.perMetric.get('latency-p95')!);
  });

  test('without min-conversion-rate the conversion metric has no static guard', () => {
    const conversion = read({}).analysis.metrics.find((m) => m.name === 'conversion');
    expect(conversion).toBeDefined();
    expect(conversion).not.toHaveProperty('min');
  });

  test('a 5,25,50,100 ladder with custom timings, values, set and routing: values', () => {
    const spec = read({
      steps: '5,25,50,100',
      soak: '1h30m',
      interval: '500ms',
      values: 'values/prod.yaml\n',
      set: 'replicaCount=3\nimage.repository=upcommerce/storefront',
      routing: 'values',
      'weight-values': 'canary.enabled=true\ncanary.weight={{weight}}',
      'canary-release': 'storefront-next',
      namespace: 'shop',
      'chart-version': '1.2.3',
      'dry-run': 'true',
      'check-name': 'canary (prod)'
    });
    expect(spec).toMatchObject({
      steps: [5, 25, 50, 100],
      soakSeconds: 5400,
      intervalSeconds: 0.5,
      valuesFiles: [path.join(ws.dir, 'values', 'prod.yaml')],
      set: [
        { key: 'replicaCount', value: '3' },
        { key: 'image.repository', value: 'upcommerce/storefront' }
      ],
      routing: 'values',
      weightValues: [
        { key: 'canary.enabled', value: 'true' },
        { key: 'canary.weight', value: '{{weight}}' }
      ],
      canaryRelease: 'storefront-next',
      namespace: 'shop',
      chartVersion: '1.2.3',
      dryRun: true,
      checkName: 'canary (prod)'
    });
    expect(spec.analysis.requests).toContain('namespace="{{namespace}}"');
  });

  test('repo/chart and oci:// charts are passed through', () => {
    expect(read({ chart: 'upcommerce/storefront' }).chart).toBe('upcommerce/storefront');
    expect(read({ chart: 'oci://ghcr.io/upcommerce/charts/storefront' }).chart).toBe(
      'oci://ghcr.io/upcommerce/charts/storefront'
    );
  });

  test('reportPath falls back to the OS temp dir without RUNNER_TEMP', () => {
    expect(read({}, {}).reportPath).toMatch(/canary-storefront-report\.json$/);
  });

  test('rollback and status need only the release; promote needs the chart but not the version', () => {
    const rollback = readRolloutSpec(inputs({ release: 'storefront', command: 'rollback' }), {
      cwd: ws.dir,
      env: {}
    });
    expect(rollback).toMatchObject({ command: 'rollback', chart: '', version: '', prometheus: { url: '' } });
    const status = readRolloutSpec(inputs({ release: 'storefront', command: 'status', namespace: 'shop' }), {
      cwd: ws.dir,
      env: {}
    });
    expect(status).toMatchObject({ command: 'status', namespace: 'shop' });
    const promote = readRolloutSpec(
      inputs({ release: 'storefront', command: 'promote', chart: 'upcommerce/storefront' }),
      {
        cwd: ws.dir,
        env: {}
      }
    );
    expect(promote).toMatchObject({ command: 'promote', chart: 'upcommerce/storefront', version: '' });
    expect(
      configErrorOf(() =>
        readRolloutSpec(inputs({ release: 'storefront', command: 'promote' }), { cwd: ws.dir, env: {} })
      )
    ).toMatch(/input `chart` is required: the chart to deploy for command promote/);
  });

  test('optional alert inputs and the token land in the spec', () => {
    const spec = read({
      'github-token': 'ghs_token',
      'slack-webhook-url': 'https://hooks.slack.com/services/T/B/X',
      'webhook-url': 'http://127.0.0.1:8080/hook',
      decision: 'manual',
      'manual-gate': 'before-final',
      replace: 'true'
    });
    expect(spec).toMatchObject({
      githubToken: 'ghs_token',
      slackWebhookUrl: 'https://hooks.slack.com/services/T/B/X',
      webhookUrl: 'http://127.0.0.1:8080/hook',
      decision: 'manual',
      manualGate: 'before-final',
      replace: true
    });
  });
});

describe('one error per class of bad input', () => {
  test('missing release', () => {
    expect(errorFor({ release: '' })).toBe(
      'input `release` is required: the name of the stable Helm release, e.g. storefront.'
    );
  });

  test('release that is not a DNS-1123 label', () => {
    expect(errorFor({ release: 'Store_Front' })).toMatch(
      /^input `release`: expected a Helm release name: lowercase letters/
    );
  });

  test('release too long for the -canary suffix', () => {
    const long = 'a'.repeat(47);
    expect(errorFor({ release: long })).toContain(
      `input \`release\`: expected at most 46 characters, so that "${long}-canary" fits Helm's 53-character limit`
    );
  });

  test('canary-release equal to release', () => {
    expect(errorFor({ 'canary-release': 'storefront' })).toMatch(
      /input `canary-release`: expected a release name other than the stable/
    );
  });

  test('missing chart', () => {
    expect(errorFor({ chart: '' })).toBe(
      'input `chart` is required: the chart to deploy for command deploy: a local path, repo/chart or oci:// reference.'
    );
  });

  test('a local chart path that does not exist names it', () => {
    expect(errorFor({ chart: './charts/shop' })).toContain(
      `the local path ${path.join(ws.dir, 'charts', 'shop')} does not exist`
    );
    // First segment is a local directory: a typo in a path, not a repository.
    expect(errorFor({ chart: 'charts/storefrnt' })).toMatch(/input `chart`:.*does not exist/);
  });

  test('missing version for deploy', () => {
    expect(errorFor({ version: '' })).toBe(
      'input `version` is required: the new version to deploy as the canary, e.g. 1.4.0.'
    );
  });

  test('missing values file names the file', () => {
    expect(errorFor({ values: 'values/prod.yaml\nvalues/missing.yaml' })).toBe(
      `input \`values\`: values file values/missing.yaml not found (looked at ${path.join(ws.dir, 'values', 'missing.yaml')}); expected existing files, one per line.`
    );
  });

  test('duration `10 minutes`', () => {
    expect(errorFor({ soak: '10 minutes' })).toBe(
      'input `soak`: expected a duration like 10m, 30s, 1h30m or 500ms, got "10 minutes".'
    );
  });

  test('interval longer than soak', () => {
    expect(errorFor({ soak: '1m', interval: '2m' })).toBe(
      'input `interval`: expected at most the soak time (1m), so each step is sampled, got "2m".'
    );
  });

  test('steps not ascending', () => {
    expect(errorFor({ steps: '50,25' })).toBe(
      'input `steps`: expected weights in strictly ascending order (25 comes after 50), got "50,25".'
    );
  });

  test('step 0 and step 150', () => {
    expect(errorFor({ steps: '0' })).toContain(
      'input `steps`: expected every weight within 1..100 (0 is not)'
    );
    expect(errorFor({ steps: '50,150' })).toContain(
      'input `steps`: expected every weight within 1..100 (150 is not)'
    );
  });

  test('bad routing', () => {
    expect(errorFor({ routing: 'nginx' })).toBe(
      'input `routing`: expected one of ingress-nginx, gateway-api, istio, replicas, values, got "nginx".'
    );
  });

  test('routing: values without weight-values', () => {
    expect(errorFor({ routing: 'values' })).toMatch(
      /^input `weight-values` is required: with routing: values/
    );
  });

  test('weight-values without {{weight}}', () => {
    expect(errorFor({ routing: 'values', 'weight-values': 'canary.weight=20' })).toMatch(
      /^input `weight-values`: expected key=value lines where at least one value contains \{\{weight\}\}/
    );
  });

  test("route: the HTTPRoute / VirtualService to edit with gateway-api or istio; absent means found by stable's Service", () => {
    expect(read({ routing: 'gateway-api', route: ' storefront.public ' }).route).toBe('storefront.public');
    expect(read({ routing: 'istio', route: 'storefront' }).route).toBe('storefront');
    expect(read({ routing: 'gateway-api' })).not.toHaveProperty('route');
    expect(errorFor({ routing: 'gateway-api', route: 'Store_Front' })).toBe(
      'input `route`: expected a Kubernetes object name: lowercase letters, digits, - and ., starting and ending with a letter or digit, got "Store_Front".'
    );
    expect(errorFor({ route: 'storefront' })).toBe(
      'input `route` is only used with routing: gateway-api or istio (routing is ingress-nginx); remove it or set one of them.'
    );
  });

  test('kube-context: a context of the kubeconfig (an EKS ARN too); absent means the current context', () => {
    expect(read({ 'kube-context': ' arn:aws:eks:us-west-2:1:cluster/prod ' }).kubeContext).toBe(
      'arn:aws:eks:us-west-2:1:cluster/prod'
    );
    expect(read({})).not.toHaveProperty('kubeContext');
    expect(errorFor({ 'kube-context': '--kubeconfig=/tmp/x' })).toBe(
      'input `kube-context`: expected a context of the kubeconfig: letters, digits and . _ : @ / -, starting with a letter or digit, got "--kubeconfig=/tmp/x".'
    );
  });

  test('weight-values with another routing preset', () => {
    expect(errorFor({ 'weight-values': 'canary.weight={{weight}}' })).toBe(
      'input `weight-values` is only used with routing: values (routing is ingress-nginx); remove it or set routing: values.'
    );
  });

  test('Prometheus URL ftp://x', () => {
    expect(errorFor({ 'prometheus-url': 'ftp://x' })).toBe(
      'input `prometheus-url`: expected an http:// or https:// URL of the Prometheus server, e.g. http://prometheus.monitoring:9090, got "ftp://x".'
    );
  });

  test('missing Prometheus URL for deploy', () => {
    expect(errorFor({ 'prometheus-url': '' })).toMatch(/^input `prometheus-url` is required/);
  });

  test('bad percentage', () => {
    expect(errorFor({ 'max-error-rate': 'five percent' })).toBe(
      'input `max-error-rate`: expected a percentage like 5% or a fraction like 0.05, got "five percent".'
    );
    expect(errorFor({ 'min-conversion-rate': '250%' })).toMatch(
      /^input `min-conversion-rate`: expected .* at most 100%/
    );
  });

  test('bad latency', () => {
    expect(errorFor({ 'max-latency-p95': '1 second' })).toMatch(
      /^input `max-latency-p95`: expected a latency like 1000ms/
    );
  });

  test('bad judge', () => {
    expect(errorFor({ judge: 'kayenta' })).toBe(
      'input `judge`: expected one of sequential, threshold, got "kayenta".'
    );
  });

  test('bad command', () => {
    expect(errorFor({ command: 'abort' })).toBe(
      'input `command`: expected one of deploy, promote, rollback, status, got "abort".'
    );
  });

  test('bad decision, manual-gate and no-data', () => {
    expect(errorFor({ decision: 'ask' })).toBe(
      'input `decision`: expected one of auto, manual, hybrid, got "ask".'
    );
    expect(errorFor({ 'manual-gate': 'always' })).toBe(
      'input `manual-gate`: expected one of every-step, before-final, got "always".'
    );
    expect(errorFor({ 'no-data': 'ignore' })).toBe(
      'input `no-data`: expected one of fail, pass, got "ignore".'
    );
  });

  test('bad alpha and min-canary-requests', () => {
    expect(errorFor({ alpha: '1.5' })).toMatch(/^input `alpha`: expected/);
    expect(errorFor({ 'min-canary-requests': 'lots' })).toBe(
      'input `min-canary-requests`: expected a whole number, 0 or more, got "lots".'
    );
  });

  test('strict-pass reaches the analysis, and only as a boolean', () => {
    expect(read({}).analysis.strictPass).toBe(false);
    expect(read({ 'strict-pass': 'true' }).analysis.strictPass).toBe(true);
    expect(errorFor({ 'strict-pass': 'always' })).toBe(
      'input `strict-pass`: expected true or false, got "always".'
    );
  });

  test('bad booleans', () => {
    expect(errorFor({ 'dry-run': 'yes' })).toBe('input `dry-run`: expected true or false, got "yes".');
    expect(errorFor({ replace: '1' })).toBe('input `replace`: expected true or false, got "1".');
  });

  test('bad namespace and version-key', () => {
    expect(errorFor({ namespace: 'Shop' })).toMatch(/^input `namespace`: expected a Kubernetes namespace/);
    expect(errorFor({ 'version-key': 'image tag' })).toMatch(
      /^input `version-key`: expected a Helm value key such as image.tag/
    );
  });

  test('bad set line', () => {
    expect(errorFor({ set: 'replicaCount' })).toBe(
      'input `set` line 1: expected key=value, one per line, got "replicaCount".'
    );
  });

  test('a webhook URL that is not http(s) is refused without echoing the secret', () => {
    const message = errorFor({ 'webhook-url': 'hooks.example.com/secret-token' });
    expect(message).toBe(
      'input `webhook-url`: expected an http:// or https:// URL (value not shown: it is a secret).'
    );
    expect(message).not.toContain('secret-token');
  });

  test('config and analysis together', () => {
    expect(errorFor({ config: 'x.yml', analysis: 'metrics: []' })).toBe(
      'inputs `config` and `analysis` are both set: give the metrics in one of them, not both.'
    );
  });

  test('every problem is reported at once', () => {
    const message = errorFor({ release: '', steps: '0', soak: '10 minutes', judge: 'x' });
    expect(message.split('\n')[0]).toBe('4 configuration problems:');
    for (const input of ['release', 'steps', 'soak', 'judge'])
      expect(message).toContain(`input \`${input}\``);
  });
});
