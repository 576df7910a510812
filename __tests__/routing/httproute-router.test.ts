// The gateway-api router on a fake API: it finds the route that points at stable's Service, gives
// the canary's Service a backendRef beside it (100-w / w) in one patch per step, and takes it out
// again so the route is exactly as rendered. Named errors when there is nothing to edit.
import { httpRouteRouter, HTTPROUTE_RESOURCE } from '../../src/routing/httproute-router.js';
import { EDIT_ANNOTATION, type HTTPRoute } from '../../src/routing/httproute.js';
import { FakeKube } from './fake-kube.js';

const rendered: HTTPRoute = {
  metadata: {
    name: 'storefront',
    namespace: 'shop',
    annotations: { 'meta.helm.sh/release-name': 'storefront' }
  },
  spec: {
    parentRefs: [{ name: 'gateway' }],
    rules: [
      // A rule for another app: never touched.
      {
        matches: [{ path: { type: 'PathPrefix', value: '/admin' } }],
        backendRefs: [{ name: 'admin', port: 80 }]
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'storefront', port: 80, weight: 1 }]
      }
    ]
  }
};

const services: Record<string, string[]> = {
  storefront: ['storefront'],
  'storefront-canary': ['storefront-canary']
};

/** What `helm get manifest storefront` renders: the route as the chart wrote it (no namespace, no Helm metadata). */
const manifestRoute = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'storefront' },
  spec: rendered.spec
};

function releaseServices(rendersRoute = true) {
  return {
    services: async (release: string) => services[release] ?? [],
    renderedObjects: async (release: string) =>
      release === 'storefront' && rendersRoute
        ? [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'storefront' } }, manifestRoute]
        : []
  };
}

function setup(
  options: { route?: string; routes?: HTTPRoute[]; rendersRoute?: boolean; dryRun?: boolean } = {}
) {
  const kube = new FakeKube();
  for (const route of options.routes ?? [rendered]) kube.put(HTTPROUTE_RESOURCE, route);
  const logs: string[] = [];
  const router = httpRouteRouter(
    {
      namespace: 'shop',
      release: 'storefront',
      canaryRelease: 'storefront-canary',
      route: options.route,
      dryRun: options.dryRun
    },
    {
      kube,
      services: releaseServices(options.rendersRoute),
      sleep: async () => {},
      log: (line) => logs.push(line)
    }
  );
  const route = async () => (await kube.get<HTTPRoute>(HTTPROUTE_RESOURCE, 'shop', 'storefront'))!;
  return { kube, router, route, logs };
}

/** The route without the fields the API server owns. */
function content(route: HTTPRoute): unknown {
  const { resourceVersion: _v, managedFields: _m, ...metadata } = route.metadata;
  return { ...route, metadata };
}

describe('HTTPRoute router (for gateway-api)', () => {
  it('adds the canary beside stable at 100-w / w, one patch per step, and reads the weight back', async () => {
    const { kube, router, route } = setup();
    await router.prepare(10);
    let refs = (await route()).spec!.rules![1].backendRefs;
    expect(refs).toEqual([
      { group: '', kind: 'Service', name: 'storefront', port: 80, weight: 90 },
      { group: '', kind: 'Service', name: 'storefront-canary', port: 80, weight: 10 }
    ]);
    expect((await route()).spec!.rules![0]).toEqual(rendered.spec!.rules![0]);
    expect(JSON.parse((await route()).metadata.annotations![EDIT_ANNOTATION])).toEqual({
      canaryRelease: 'storefront-canary',
      stableService: 'storefront',
      canaryService: 'storefront-canary',
      stableWeights: { '1': 1 }
    });
    await router.setWeight(50, { phase: 'soaking' });
    refs = (await route()).spec!.rules![1].backendRefs;
    expect(refs!.map((r) => [r.name, r.weight])).toEqual([
      ['storefront', 50],
      ['storefront-canary', 50]
    ]);
    expect(kube.patches).toHaveLength(2);
    // Every write is conditional on the version read.
    expect(
      kube.patches.every((p) => p.ops[0].op === 'test' && p.ops[0].path === '/metadata/resourceVersion')
    ).toBe(true);
    expect(await router.describe({ exists: true, weight: 99 })).toEqual({
      preset: 'gateway-api',
      target: 'HTTPRoute shop/storefront',
      weight: 50
    });
  });

  it('removal restores the route exactly as rendered, and a second removal writes nothing', async () => {
    const { kube, router, route } = setup({ rendersRoute: false });
    await router.prepare(20);
    await router.setWeight(100);
    await router.remove();
    expect(content(await route())).toEqual(content(rendered));
    const writes = kube.patches.length;
    await router.remove();
    expect(kube.patches).toHaveLength(writes);
    expect(kube.applies).toEqual([]); // a route stable does not render is nobody's to hand back
    expect((await router.describe({ exists: true })).weight).toBe(0);
  });

  it("before the promotion and on removal, hands stable's route back to Helm: restored, then applied as rendered by field manager helm", async () => {
    const { kube, router, route } = setup();
    await router.prepare(20);
    expect(kube.applies).toEqual([]);
    await router.beforePromotion();
    expect(kube.patches).toHaveLength(2); // the edit, then the restore
    expect(kube.applies).toEqual([
      {
        name: 'storefront',
        fieldManager: 'helm',
        // What Helm 4 applies: the manifest's object in its namespace, with the metadata Helm adds.
        object: {
          ...manifestRoute,
          metadata: {
            name: 'storefront',
            namespace: 'shop',
            labels: { 'app.kubernetes.io/managed-by': 'Helm' },
            annotations: {
              'meta.helm.sh/release-name': 'storefront',
              'meta.helm.sh/release-namespace': 'shop'
            }
          }
        }
      }
    ]);
    expect((await route()).metadata.managedFields).toEqual([{ manager: 'helm', operation: 'Apply' }]);
    expect((await route()).spec).toEqual(rendered.spec);
    // Handed back already: the removal after the promotion writes nothing.
    await router.remove();
    expect(kube.patches).toHaveLength(2);
    expect(kube.applies).toHaveLength(1);
  });

  it('hands the route back even when an earlier removal restored it and stopped before the hand-back', async () => {
    const { kube, router } = setup();
    await router.prepare(20);
    const apply = kube.apply.bind(kube);
    kube.apply = async () => {
      throw new Error('kubectl apply: connection refused');
    };
    await expect(router.remove()).rejects.toThrow('connection refused');
    kube.apply = apply;
    await router.remove(); // the retry: nothing left to restore, but the action still owns the rules
    expect(kube.applies).toHaveLength(1);
  });

  it('dry run: says what it would do and touches nothing', async () => {
    const { kube, router, logs } = setup({ dryRun: true });
    await router.prepare(10);
    await router.setWeight(50);
    await router.beforePromotion();
    await router.remove();
    expect(kube.patches).toEqual([]);
    expect(kube.applies).toEqual([]);
    expect(logs).toEqual([
      "[dry-run] would give storefront-canary 10% in the HTTPRoute in shop that references storefront's Service",
      "[dry-run] would give storefront-canary 50% in the HTTPRoute in shop that references storefront's Service",
      "[dry-run] would restore the HTTPRoute in shop that references storefront's Service as rendered and hand it back to Helm",
      "[dry-run] would restore the HTTPRoute in shop that references storefront's Service as rendered and hand it back to Helm"
    ]);
  });

  it('restores a stable ref that had no weight without one, and a route without annotations without any', async () => {
    const plain: HTTPRoute = {
      metadata: { name: 'storefront', namespace: 'shop' },
      spec: { rules: [{ backendRefs: [{ name: 'storefront', port: 8080 }] }] }
    };
    const { router, route } = setup({ routes: [plain], rendersRoute: false });
    await router.prepare(5);
    expect((await route()).spec!.rules![0].backendRefs).toEqual([
      { name: 'storefront', port: 8080, weight: 95 },
      { name: 'storefront-canary', port: 8080, weight: 5 }
    ]);
    await router.remove();
    expect(content(await route())).toEqual(content(plain));
  });

  it('re-reads and writes again when another writer changed the route in between', async () => {
    const { kube, router, route } = setup();
    let raced = false;
    kube.beforePatch = (name) => {
      if (raced) return;
      raced = true;
      kube.touch(HTTPROUTE_RESOURCE, 'shop', name);
    };
    await router.prepare(10);
    expect((await route()).spec!.rules![1].backendRefs!.map((r) => r.weight)).toEqual([90, 10]);
  });

  it('uses the route named in `route`, and says when it does not point at stable', async () => {
    const other: HTTPRoute = {
      metadata: { name: 'other', namespace: 'shop' },
      spec: { rules: [{ backendRefs: [{ name: 'storefront', port: 80 }] }] }
    };
    const named = setup({ routes: [rendered, other], route: 'other' });
    await named.router.prepare(30);
    expect(
      (await named.kube.get<HTTPRoute>(HTTPROUTE_RESOURCE, 'shop', 'other'))!.spec!.rules![0].backendRefs!
    ).toHaveLength(2);
    expect(content(await named.route())).toEqual(content(rendered));

    await expect(setup({ route: 'missing' }).router.prepare(10)).rejects.toThrow(
      'routing gateway-api: HTTPRoute shop/missing (input `route`) does not exist'
    );
    const elsewhere: HTTPRoute = {
      ...other,
      spec: { rules: [{ backendRefs: [{ name: 'cart', port: 80 }] }] }
    };
    await expect(setup({ routes: [elsewhere], route: 'other' }).router.prepare(10)).rejects.toThrow(
      'routing gateway-api: HTTPRoute shop/other (input `route`) has no backendRef to Service storefront of storefront'
    );
  });

  it('names the problem when no route, or more than one, references stable', async () => {
    const cart: HTTPRoute = {
      metadata: { name: 'cart', namespace: 'shop' },
      spec: { rules: [{ backendRefs: [{ name: 'cart', port: 80 }] }] }
    };
    await expect(setup({ routes: [cart] }).router.prepare(10)).rejects.toThrow(
      'routing gateway-api: no HTTPRoute in shop references Service storefront; name one with `route`'
    );
    const twin = { ...rendered, metadata: { ...rendered.metadata, name: 'storefront-b' } };
    await expect(setup({ routes: [rendered, twin] }).router.prepare(10)).rejects.toThrow(
      'routing gateway-api: HTTPRoutes storefront, storefront-b in shop all reference Service storefront; name one with `route`'
    );
  });

  it('refuses a route already edited for another canary, and a bad weight', async () => {
    const { kube, router } = setup();
    await router.prepare(10);
    const second = httpRouteRouter(
      { namespace: 'shop', release: 'storefront', canaryRelease: 'storefront-next', route: undefined },
      {
        kube,
        services: {
          services: async (release) => (release === 'storefront' ? ['storefront'] : ['storefront-next']),
          renderedObjects: async () => [manifestRoute]
        },
        sleep: async () => {}
      }
    );
    await expect(second.prepare(10)).rejects.toThrow(
      'HTTPRoute shop/storefront is already edited for storefront-canary beside storefront; roll that canary back first'
    );
    await second.remove(); // not its edit: left alone, and not handed back over the other canary's split
    expect(kube.applies).toEqual([]);
    expect((await router.describe({ exists: true })).weight).toBe(10);
    await expect(router.setWeight(101)).rejects.toThrow(
      'canary weight must be an integer in 0..100, got 101'
    );
  });
});
