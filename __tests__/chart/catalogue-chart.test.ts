// charts/catalogue under the real Helm 3 and Helm 4: the stable and canary renders, the canary Ingress
// the action's ingress-nginx routing patches, the fault switch, the schema, and every object against its
// API schema. And the storefront chart's catalogue.url, which points the storefront at the API.
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../scripts/helm-paths.mjs';
import {
  NAMESPACE,
  chartDir as storefrontChart,
  helm,
  kinds,
  matchesSelector,
  only,
  type K8sObject
} from './helm.js';
import { validateObject } from './validate.js';

const chart = path.join(repoRoot, 'charts', 'catalogue');
const NGINX = 'nginx.ingress.kubernetes.io/';
/** What the action passes to a chart with the canary.* contract and ingress.annotations, at weight w. */
const canary = (w: number) => [
  '--set',
  `canary.enabled=true,canary.weight=${w},canary.routing=ingress-nginx,canary.stableRelease=catalogue`,
  '--set-string',
  `ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary=true`,
  '--set-string',
  `ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight=${w}`
];

async function render(major: 3 | 4, release: string, sets: string[], dir = chart): Promise<K8sObject[]> {
  const result = await helm(major, ['template', release, dir, '--namespace', NAMESPACE, ...sets]);
  if (result.code !== 0) throw new Error(`helm ${major} template ${release} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function env(objects: K8sObject[]): Record<string, string> {
  const container = only(objects, 'Deployment').spec.template.spec.containers[0];
  return Object.fromEntries(
    container.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? '(ref)'])
  );
}

describe.each([3, 4] as const)('charts/catalogue with Helm %i', (major) => {
  it('passes helm lint, stable and canary', async () => {
    expect((await helm(major, ['lint', chart])).code).toBe(0);
    expect((await helm(major, ['lint', chart, ...canary(20)])).code).toBe(0);
  });

  it('renders the stable release: a Deployment, its Service and a plain Ingress for the API host', async () => {
    const objects = await render(major, 'catalogue', ['--set-string', 'image.tag=1.0.0']);
    expect(kinds(objects)).toEqual(['Deployment', 'Ingress', 'Service']);
    const deployment = only(objects, 'Deployment');
    const pod = deployment.spec.template;
    expect(pod.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'catalogue',
      release: 'catalogue',
      track: 'stable'
    });
    expect(pod.spec.containers[0].image).toBe('upcommerce/catalogue:1.0.0');
    expect(env(objects)).toMatchObject({ RELEASE: 'catalogue', TRACK: 'stable', APP_VERSION: '1.0.0' });
    expect(pod.spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    const service = only(objects, 'Service');
    expect(matchesSelector(service.spec.selector, pod.metadata.labels)).toBe(true);
    const ingress = only(objects, 'Ingress');
    expect(ingress.metadata.annotations?.[`${NGINX}canary`]).toBeUndefined();
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules[0].host).toBe('catalogue.example.com');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('catalogue');
    for (const object of objects) expect(() => validateObject(object)).not.toThrow();
  });

  it("renders the canary release's own Ingress as ingress-nginx's canary for the same host, at the weight", async () => {
    const objects = await render(major, 'catalogue-canary', [
      ...canary(20),
      '--set-string',
      'image.tag=2.0.0'
    ]);
    const ingress = only(objects, 'Ingress');
    expect(ingress.metadata.name).toBe('catalogue-canary');
    expect(ingress.metadata.annotations).toMatchObject({
      [`${NGINX}canary`]: 'true',
      [`${NGINX}canary-weight`]: '20'
    });
    expect(ingress.spec.rules[0].host).toBe('catalogue.example.com');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('catalogue-canary');
    const pod = only(objects, 'Deployment').spec.template;
    expect(pod.metadata.labels).toMatchObject({ release: 'catalogue-canary', track: 'canary' });
    // Stable and canary Services select only their own pods: the Ingress weight decides the split.
    expect(only(objects, 'Service').spec.selector).toMatchObject({
      'app.kubernetes.io/instance': 'catalogue-canary'
    });
    for (const object of objects) expect(() => validateObject(object)).not.toThrow();
  });

  it('passes the fault switch to the app', async () => {
    const objects = await render(major, 'catalogue-canary', [
      ...canary(10),
      '--set',
      'faults.errorRate=0.3',
      '--set',
      'faults.latencyMs=250'
    ]);
    expect(env(objects)).toMatchObject({
      FAULT_ERROR_RATE: '0.3',
      FAULT_LATENCY_MS: '250',
      FAULT_LATENCY_FRACTION: '1'
    });
  });

  it('refuses values outside its schema, naming them', async () => {
    const rate = await helm(major, ['template', 'c', chart, '--set', 'faults.errorRate=2']);
    expect(rate.code).not.toBe(0);
    expect(rate.stderr).toMatch(/faults[./]errorRate/);
    const routing = await helm(major, ['template', 'c', chart, '--set', 'canary.routing=istio']);
    expect(routing.code).not.toBe(0);
    expect(routing.stderr).toMatch(/canary[./]routing/);
    const unknown = await helm(major, ['template', 'c', chart, '--set', 'canaryy.weight=1']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/canaryy/);
  });

  it('points the storefront at the API with catalogue.url, and leaves it built in when empty', async () => {
    const withApi = await render(
      major,
      'storefront',
      ['--set', 'catalogue.url=http://catalogue.example.com'],
      storefrontChart
    );
    expect(env(withApi)).toMatchObject({
      CATALOGUE_URL: 'http://catalogue.example.com',
      CATALOGUE_TIMEOUT_MS: '2000'
    });
    const builtIn = await render(major, 'storefront', [], storefrontChart);
    expect(Object.keys(env(builtIn))).not.toContain('CATALOGUE_URL');
    const bad = await helm(major, [
      'template',
      's',
      storefrontChart,
      '--set',
      'catalogue.url=ftp://catalogue'
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/catalogue[./]url/);
  });
});
