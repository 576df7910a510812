// The arm selectors the metric sources build: pod-name patterns, Traefik service names, and the
// values filled from stable's objects. Prometheus anchors regex matchers at both ends; `full()` does
// the same with a JS RegExp (the patterns use only syntax RE2 and JS share).
import { describe, expect, test } from '@jest/globals';
import { podNamePattern } from '../../src/metrics-source/pod-pattern.js';
import { escapeRegex } from '../../src/metrics-source/regex.js';
import { traefikNormalize, traefikServicePattern } from '../../src/metrics-source/traefik-names.js';
import {
  ArmNamesError,
  canaryNameFor,
  resolveArmValues,
  type ManifestObject
} from '../../src/metrics-source/arm-names.js';
import { renderQuery } from '../../src/metrics/promql.js';

const full = (pattern: string) => new RegExp(`^(?:${pattern})$`);

describe('pod-name patterns', () => {
  const stable = full(podNamePattern('storefront'));
  const canary = full(podNamePattern('storefront-canary'));

  test("stable's pattern matches stable's pods and none of the canary's", () => {
    expect(stable.test('storefront-7d9f8c6b5d-x2k4q')).toBe(true);
    expect(stable.test('storefront-canary-7d9f8c6b5d-x2k4q')).toBe(false);
    expect(canary.test('storefront-canary-5c8d7f9b4-qq7zp')).toBe(true);
    expect(canary.test('storefront-5c8d7f9b4-qq7zp')).toBe(false);
  });

  test('a pod of another Deployment that shares the prefix is not matched', () => {
    expect(stable.test('storefront-worker-5c8d7f9b4-qq7zp')).toBe(false);
    expect(stable.test('storefrontx-5c8d7f9b4-qq7zp')).toBe(false);
  });

  test('regex characters in a name stand for themselves', () => {
    expect(escapeRegex('a.b+c(d)|e*[f]{g}^$?\\')).toBe('a\\.b\\+c\\(d\\)\\|e\\*\\[f\\]\\{g\\}\\^\\$\\?\\\\');
    const dotted = full(podNamePattern('web.v2'));
    expect(dotted.test('web.v2-5c8d7f9b4-qq7zp')).toBe(true);
    expect(dotted.test('webxv2-5c8d7f9b4-qq7zp')).toBe(false);
  });

  test('rendered into PromQL the regex is escaped once more for the string literal', () => {
    const query = renderQuery('x{pod=~"{{pods}}"}', {
      release: 'r',
      namespace: 'n',
      pods: podNamePattern('web.v2')
    });
    expect(query).toBe('x{pod=~"web\\\\.v2-[a-z0-9]{1,10}-[a-z0-9]{5}"}');
  });
});

describe('Traefik service names', () => {
  const names = { namespace: 'default', stableService: 'podinfo', canaryService: 'podinfo-canary' };

  test('ingress-nginx provider: stable is the primary backend, the canary its `-canary` service', () => {
    // The names the sandbox's Traefik exported for podinfo behind its Ingress `podinfo`.
    const byIngress = { ...names, ingress: 'podinfo', port: '9898' };
    const stable = full(traefikServicePattern('ingress-nginx', byIngress, 'stable'));
    const canary = full(traefikServicePattern('ingress-nginx', byIngress, 'canary'));
    expect(stable.test('default-podinfo-podinfo-9898@kubernetesingressnginx')).toBe(true);
    for (const other of [
      'default-podinfo-podinfo-9898-canary@kubernetesingressnginx',
      'default-podinfo-podinfo-9898-wrr@kubernetesingressnginx',
      'default-podinfo-canary-podinfo-canary-9898@kubernetesingressnginx'
    ])
      expect(stable.test(other)).toBe(false);
    expect(canary.test('default-podinfo-podinfo-9898-canary@kubernetesingressnginx')).toBe(true);
    expect(canary.test('default-podinfo-podinfo-9898@kubernetesingressnginx')).toBe(false);
    expect(canary.test('default-podinfo-podinfo-9898-wrr@kubernetesingressnginx')).toBe(false);
    expect(() => traefikServicePattern('ingress-nginx', names, 'stable')).toThrow(/Ingress and its port/);
  });

  test('gateway provider: one service per backendRef, named after the Service', () => {
    const route = 'httproute-default-podinfo-gw-default-gateway-ep-web-0';
    const stable = full(traefikServicePattern('gateway-api', names, 'stable'));
    const canary = full(traefikServicePattern('gateway-api', names, 'canary'));
    expect(stable.test(`${route}-svc-default-podinfo-0@kubernetesgateway`)).toBe(true);
    expect(stable.test(`${route}-svc-default-podinfo-canary-1@kubernetesgateway`)).toBe(false);
    expect(canary.test(`${route}-svc-default-podinfo-canary-1@kubernetesgateway`)).toBe(true);
    expect(canary.test(`${route}-svc-default-podinfo-0@kubernetesgateway`)).toBe(false);
  });

  test('names are normalized as Traefik does, and other routings are refused', () => {
    expect(traefikNormalize('a--b.c_d')).toBe('a-b-c-d');
    expect(() => traefikServicePattern('replicas', names, 'stable')).toThrow(/routing replicas/);
  });
});

describe('arm values from stable objects', () => {
  const podinfo: ManifestObject[] = [
    { kind: 'ServiceAccount', name: 'podinfo' },
    { kind: 'Service', name: 'podinfo' },
    { kind: 'Deployment', name: 'podinfo' },
    { kind: 'Ingress', name: 'podinfo', backends: [{ service: 'podinfo', port: '9898' }] }
  ];
  const base = {
    release: 'podinfo',
    canaryRelease: 'podinfo-canary',
    namespace: 'default',
    routing: 'ingress-nginx' as const,
    stableObjects: podinfo
  };

  test('canary names follow from the release names', () => {
    expect(canaryNameFor('storefront-api', 'storefront', 'storefront-canary')).toBe('storefront-canary-api');
    expect(() => canaryNameFor('shop', 'storefront', 'storefront-canary')).toThrow(ArmNamesError);
  });

  test('every placeholder for podinfo behind ingress-nginx', () => {
    const needed = new Set(['pods', 'workload', 'service', 'ingress', 'nginx-canary', 'traefik-service']);
    const values = resolveArmValues({ ...base, needed });
    expect(values.stable).toEqual({
      release: 'podinfo',
      namespace: 'default',
      workload: 'podinfo',
      pods: 'podinfo-[a-z0-9]{1,10}-[a-z0-9]{5}',
      service: 'podinfo',
      ingress: 'podinfo',
      'nginx-canary': '',
      'traefik-service': 'default-podinfo-podinfo-9898@kubernetesingressnginx'
    });
    expect(values.canary).toEqual({
      release: 'podinfo-canary',
      namespace: 'default',
      workload: 'podinfo-canary',
      pods: 'podinfo-canary-[a-z0-9]{1,10}-[a-z0-9]{5}',
      service: 'podinfo-canary',
      ingress: 'podinfo',
      'nginx-canary': 'default-podinfo-canary-9898',
      'traefik-service': 'default-podinfo-podinfo-9898-canary@kubernetesingressnginx'
    });
  });

  test('only what the queries use is resolved', () => {
    const values = resolveArmValues({ ...base, stableObjects: [], needed: new Set(['release']) });
    expect(values.canary).toEqual({ release: 'podinfo-canary', namespace: 'default' });
  });

  test('what cannot be told apart is a named error', () => {
    const two: ManifestObject[] = [
      { kind: 'Deployment', name: 'podinfo' },
      { kind: 'Deployment', name: 'podinfo-redis' }
    ];
    expect(() => resolveArmValues({ ...base, stableObjects: two, needed: new Set(['pods']) })).toThrow(
      'release podinfo renders several Deployments (podinfo, podinfo-redis); the metric source cannot tell which one serves the traffic'
    );
    expect(() => resolveArmValues({ ...base, stableObjects: [], needed: new Set(['workload']) })).toThrow(
      'release podinfo in default renders no Deployment to select its metrics by'
    );
    const fixed: ManifestObject[] = [{ kind: 'Deployment', name: 'web' }];
    expect(() => resolveArmValues({ ...base, stableObjects: fixed, needed: new Set(['pods']) })).toThrow(
      /cannot tell the canary's name for web: it does not start with the release name podinfo/
    );
  });
});
