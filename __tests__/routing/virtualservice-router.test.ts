// The istio router on a fake API: it finds the VirtualService whose HTTP route sends traffic to
// stable's Service host, adds a destination for the canary's host (same form, same port, no subset),
// splits stable's share s into s-c and c, and takes it out again so the object is as rendered.
import { VIRTUALSERVICE_RESOURCE, virtualServiceRouter } from '../../src/routing/virtualservice-router.js';
import { EDIT_ANNOTATION } from '../../src/routing/route-edit.js';
import { canaryHost, hostRefersTo, type VirtualService } from '../../src/routing/virtualservice.js';
import { FakeKube } from './fake-kube.js';

const rendered: VirtualService = {
  metadata: { name: 'storefront', namespace: 'shop', labels: { app: 'storefront' } },
  spec: {
    hosts: ['shop.example.com'],
    http: [
      // Another app's route: never touched.
      { match: [{ uri: { prefix: '/admin' } }], route: [{ destination: { host: 'admin' } }] },
      {
        route: [
          {
            destination: { host: 'storefront.shop.svc.cluster.local', subset: 'v1', port: { number: 80 } }
          }
        ]
      }
    ]
  }
};

function setup(options: { vs?: VirtualService[]; route?: string } = {}) {
  const kube = new FakeKube();
  for (const vs of options.vs ?? [rendered]) kube.put(VIRTUALSERVICE_RESOURCE, vs);
  const router = virtualServiceRouter(
    { namespace: 'shop', release: 'storefront', canaryRelease: 'storefront-canary', route: options.route },
    {
      kube,
      services: {
        services: async (release) => [release],
        renderedObjects: async (release) =>
          release === 'storefront'
            ? [
                {
                  apiVersion: 'networking.istio.io/v1',
                  kind: 'VirtualService',
                  metadata: { name: 'storefront', labels: { app: 'storefront' } },
                  spec: rendered.spec
                }
              ]
            : []
      },
      sleep: async () => {}
    }
  );
  const read = async (name = 'storefront') =>
    (await kube.get<VirtualService>(VIRTUALSERVICE_RESOURCE, 'shop', name))!;
  return { kube, router, read };
}

function content(vs: VirtualService): unknown {
  const { resourceVersion: _v, managedFields: _m, annotations: _a, ...metadata } = vs.metadata;
  return { ...vs, metadata };
}

describe('VirtualService router (for istio)', () => {
  it('hosts: short, namespaced and fully qualified forms name the Service; the canary keeps the form', () => {
    for (const host of [
      'storefront',
      'storefront.shop',
      'storefront.shop.svc',
      'storefront.shop.svc.corp.local'
    ])
      expect(hostRefersTo(host, 'storefront', 'shop')).toBe(true);
    expect(hostRefersTo('storefront-canary', 'storefront', 'shop')).toBe(false);
    expect(hostRefersTo('storefront.other.svc.cluster.local', 'storefront', 'shop')).toBe(false);
    expect(
      canaryHost('storefront.shop.svc.cluster.local', { stable: 'storefront', canary: 'storefront-canary' })
    ).toBe('storefront-canary.shop.svc.cluster.local');
  });

  it('gives the canary w of stable 100 beside it, one patch per step, and reads the weight back', async () => {
    const { kube, router, read } = setup();
    await router.prepare(10);
    expect((await read()).spec!.http![1].route).toEqual([
      {
        destination: { host: 'storefront.shop.svc.cluster.local', subset: 'v1', port: { number: 80 } },
        weight: 90
      },
      { destination: { host: 'storefront-canary.shop.svc.cluster.local', port: { number: 80 } }, weight: 10 }
    ]);
    expect((await read()).spec!.http![0]).toEqual(rendered.spec!.http![0]);
    expect(JSON.parse((await read()).metadata.annotations![EDIT_ANNOTATION])).toEqual({
      canaryRelease: 'storefront-canary',
      stableService: 'storefront',
      canaryService: 'storefront-canary',
      stableWeights: { '1': null }
    });
    await router.setWeight(50);
    expect((await read()).spec!.http![1].route!.map((d) => d.weight)).toEqual([50, 50]);
    expect(await router.describe({ exists: true })).toEqual({
      preset: 'istio',
      target: 'VirtualService shop/storefront',
      weight: 50
    });
    expect(kube.patches).toHaveLength(2);
  });

  it("splits stable's own share when other destinations take part, and restores every weight", async () => {
    const shared: VirtualService = {
      metadata: { name: 'mixed', namespace: 'shop' },
      spec: {
        http: [
          {
            route: [
              { destination: { host: 'legacy' }, weight: 40 },
              { destination: { host: 'storefront' }, weight: 60 }
            ]
          }
        ]
      }
    };
    const { router, read } = setup({ vs: [shared] });
    await router.prepare(25);
    expect((await read('mixed')).spec!.http![0].route).toEqual([
      { destination: { host: 'legacy' }, weight: 40 },
      { destination: { host: 'storefront' }, weight: 45 },
      { destination: { host: 'storefront-canary' }, weight: 15 }
    ]);
    expect((await router.describe({ exists: true })).weight).toBe(25);
    await router.setWeight(100);
    expect((await read('mixed')).spec!.http![0].route!.map((d) => d.weight)).toEqual([40, 0, 60]);
    await router.remove();
    expect(content(await read('mixed'))).toEqual(content({ ...shared, metadata: { ...shared.metadata } }));
    expect((await read('mixed')).metadata.annotations).toBeUndefined();
  });

  it("removal restores the VirtualService as rendered and hands stable's object back to Helm", async () => {
    const { kube, router, read } = setup();
    await router.prepare(30);
    await router.remove();
    expect((await read()).spec).toEqual(rendered.spec);
    expect(kube.applies.map((a) => [a.name, a.fieldManager])).toEqual([['storefront', 'helm']]);
    expect((await router.describe({ exists: true })).weight).toBe(0);
  });

  it('named errors: no VirtualService for stable, a missing `route`, no weight to split', async () => {
    const other: VirtualService = {
      metadata: { name: 'cart', namespace: 'shop' },
      spec: { http: [{ route: [{ destination: { host: 'cart' } }] }] }
    };
    await expect(setup({ vs: [other] }).router.prepare(10)).rejects.toThrow(
      'routing istio: no VirtualService in shop references Service storefront; name one with `route`'
    );
    await expect(setup({ route: 'nope' }).router.prepare(10)).rejects.toThrow(
      'routing istio: VirtualService shop/nope (input `route`) does not exist'
    );
    const unweighted: VirtualService = {
      metadata: { name: 'mixed', namespace: 'shop' },
      spec: {
        http: [{ route: [{ destination: { host: 'legacy' } }, { destination: { host: 'storefront' } }] }]
      }
    };
    await expect(setup({ vs: [unweighted] }).router.prepare(10)).rejects.toThrow(
      "VirtualService shop/mixed http[0]: stable's destination has no weight beside other destinations; give it one"
    );
  });
});
