// ingress-nginx on a chart without ingress.annotations: the action's own canary Ingress, against an
// in-memory API (FakeKube applies the JSON Patches as the API server does).
import { describe, expect, test } from '@jest/globals';
import { ownedIngressRouter, INGRESS_RESOURCE } from '../../src/routing/owned-ingress-router.js';
import { canaryIngressMode, hasIngressSwitch } from '../../src/routing/ingress-mode.js';
import { ingressNginxChartValues } from '../../src/routing/ingress-nginx.js';
import { OWNER_ANNOTATION, WEIGHT_ANNOTATION, type Ingress } from '../../src/routing/canary-ingress.js';
import { FakeKube } from './fake-kube.js';

const NS = 'web';
const spec = { namespace: NS, release: 'nginx', canaryRelease: 'nginx-canary' };

function stableIngress(): Ingress {
  return {
    metadata: {
      name: 'nginx',
      namespace: NS,
      annotations: { 'kubernetes.io/ingress.class': 'nginx', 'meta.helm.sh/release-name': 'nginx' }
    },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop.example.com-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx', port: { name: 'http' } } }
              },
              {
                path: '/auth',
                pathType: 'Prefix',
                backend: { service: { name: 'sso', port: { number: 80 } } }
              }
            ]
          }
        }
      ]
    }
  };
}

function setup() {
  const kube = new FakeKube();
  kube.put(INGRESS_RESOURCE, stableIngress());
  const services: Record<string, string[]> = { nginx: ['nginx'], 'nginx-canary': ['nginx-canary'] };
  const router = ownedIngressRouter(spec, {
    kube,
    services: { services: async (release) => services[release] ?? [], renderedObjects: async () => [] },
    sleep: async () => {}
  });
  const canary = () => kube.get<Ingress>(INGRESS_RESOURCE, NS, 'nginx-canary-action');
  return { kube, router, canary };
}

describe('the canary Ingress the action owns', () => {
  test('which charts need it: only those without ingress.annotations', () => {
    expect(canaryIngressMode({ ingress: { enabled: false, annotations: {} } })).toBe('chart');
    expect(canaryIngressMode({ ingress: { enabled: true, hostname: 'x' } })).toBe('action');
    expect(canaryIngressMode({})).toBe('action');
    // The canary release then carries no routing values (a strict schema would reject them), only the
    // switch that keeps it from rendering a second Ingress for the same hosts, where the chart has one.
    const values = (canaryIngressSwitch: boolean) =>
      ingressNginxChartValues(
        { routing: 'ingress-nginx', release: 'nginx', canaryIngress: 'action', canaryIngressSwitch },
        20
      );
    expect(values(false)).toEqual([]);
    expect(values(true)).toEqual([{ key: 'ingress.enabled', value: 'false' }]);
    expect(hasIngressSwitch({ ingress: { enabled: true, hostname: 'x' } })).toBe(true);
    expect(hasIngressSwitch({ ingress: { hostname: 'x' } })).toBe(false);
  });

  test("prepare copies stable's hosts, paths to stable and TLS, with the canary Service and annotations", async () => {
    const { kube, router, canary } = setup();
    await router.prepare(20);
    const made = (await canary())!;
    expect(made.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop.example.com-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'nginx-canary', port: { name: 'http' } } }
              }
            ]
          }
        }
      ]
    });
    expect(made.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      [WEIGHT_ANNOTATION]: '20',
      [OWNER_ANNOTATION]: JSON.stringify({ canaryRelease: 'nginx-canary', stableIngress: 'nginx' })
    });
    // Stable's Ingress is untouched.
    expect((await kube.get<Ingress>(INGRESS_RESOURCE, NS, 'nginx'))!.spec).toEqual(stableIngress().spec);
    expect(router.carriesMarks).toBe(false);
  });

  test('a weight step is one patch of the annotation, read back by describe', async () => {
    const { kube, router } = setup();
    await router.prepare(10);
    kube.patches = [];
    await router.setWeight(50);
    expect(kube.patches).toHaveLength(1);
    expect(kube.patches[0].ops[1]).toEqual({
      op: 'replace',
      path: '/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight',
      value: '50'
    });
    expect(await router.describe({ exists: true })).toEqual({
      preset: 'ingress-nginx',
      target: `Ingress ${NS}/nginx-canary-action`,
      weight: 50
    });
  });

  test('a write that lost a race with another writer is read again and retried', async () => {
    const { kube, router } = setup();
    await router.prepare(10);
    let raced = false;
    kube.beforePatch = (name) => {
      if (!raced) kube.touch(INGRESS_RESOURCE, NS, name);
      raced = true;
    };
    await expect(router.setWeight(30)).resolves.toBeUndefined();
    expect(await router.describe({ exists: true })).toMatchObject({ weight: 30 });
  });

  test('remove deletes only its own Ingress, and is safe to repeat; a resumed prepare does not duplicate', async () => {
    const { kube, router, canary } = setup();
    const foreign = {
      ...stableIngress(),
      metadata: {
        name: 'other-canary',
        namespace: NS,
        annotations: { [OWNER_ANNOTATION]: JSON.stringify({ canaryRelease: 'other', stableIngress: 'x' }) }
      }
    };
    kube.put(INGRESS_RESOURCE, foreign);
    await router.prepare(10);
    await router.prepare(10);
    expect(kube.creates).toEqual(['nginx-canary-action']);
    await router.remove();
    await router.remove();
    expect(await canary()).toBeUndefined();
    expect(await kube.get(INGRESS_RESOURCE, NS, 'other-canary')).toBeDefined();
    expect(await router.describe({ exists: false })).toMatchObject({ weight: 0 });
  });

  test('no Ingress of stable to copy is a named error, and nothing is created', async () => {
    const { kube, router } = setup();
    await kube.delete(INGRESS_RESOURCE, NS, 'nginx');
    await expect(router.prepare(10)).rejects.toThrow(
      "routing ingress-nginx: no Ingress in web sends traffic to Service nginx of nginx; the chart has no ingress.annotations, so the action copies stable's Ingress, and there is none to copy"
    );
    expect(kube.creates).toEqual([]);
  });
});
