// The preflight of the routers that edit a route object, on a fake API: every verdict (the route
// exists and references stable, the canary's Service pairs, no competing route in the canary's
// render), the chart switches that turn the canary's own route off, and no write in any case.
import { httpRouteRouter, HTTPROUTE_RESOURCE } from '../../src/routing/httproute-router.js';
import type { HTTPRoute } from '../../src/routing/httproute.js';
import { routeObjectChartValues } from '../../src/routing/object-router.js';
import { routeSwitchesFor } from '../../src/routing/route-switch.js';
import { hostnamesOverlap } from '../../src/routing/competing-routes.js';
import { VIRTUALSERVICE_RESOURCE, virtualServiceRouter } from '../../src/routing/virtualservice-router.js';
import type { VirtualService } from '../../src/routing/virtualservice.js';
import type { ManifestObject } from '../../src/preflight/manifest.js';
import type { RoutingProbe } from '../../src/routing/types.js';
import { FakeKube } from './fake-kube.js';

const stableRoute: HTTPRoute = {
  metadata: { name: 'storefront', namespace: 'shop' },
  spec: {
    parentRefs: [{ name: 'gateway' }],
    hostnames: ['shop.example.com'],
    rules: [{ backendRefs: [{ name: 'storefront', port: 80 }] }]
  }
};

const service = (name: string): ManifestObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  name,
  body: { apiVersion: 'v1', kind: 'Service', metadata: { name } }
});

const httpRoute = (name: string, spec: Record<string, unknown>): ManifestObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  name,
  body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name }, spec }
});

function probe(objects: ManifestObject[], stableExists = true): RoutingProbe & { weights: number[] } {
  const weights: number[] = [];
  return {
    weight: 10,
    stableExists,
    weights,
    renderCanary: async (w) => {
      weights.push(w);
      return objects;
    }
  };
}

function gatewayApi(
  options: { route?: string; routes?: HTTPRoute[]; switches?: string[]; stableServices?: string[] } = {}
) {
  const kube = new FakeKube();
  for (const route of options.routes ?? [stableRoute]) kube.put(HTTPROUTE_RESOURCE, route);
  const router = httpRouteRouter(
    {
      namespace: 'shop',
      release: 'storefront',
      canaryRelease: 'storefront-canary',
      route: options.route,
      canaryRouteSwitches: options.switches
    },
    {
      kube,
      services: {
        // The canary release is not installed yet: the preflight must pair from its render.
        services: async (release) =>
          release === 'storefront' ? (options.stableServices ?? ['storefront']) : [],
        renderedObjects: async () => []
      },
      sleep: async () => {}
    }
  );
  return { kube, router };
}

const canaryRender = [service('storefront-canary')];

describe('preflight of the gateway-api router', () => {
  it('passes when the named route exists and references stable, and the canary renders its Service; writes nothing', async () => {
    const { kube, router } = gatewayApi({ route: 'storefront', switches: ['httpRoute.enabled'] });
    const p = probe(canaryRender);
    expect(await router.preflight!(p)).toEqual({
      ok: true,
      detail:
        "HTTPRoute shop/storefront sends traffic to Service storefront; the canary's share goes to Service storefront-canary of storefront-canary; " +
        "the canary release's own HTTPRoute is off (httpRoute.enabled=false)"
    });
    expect(p.weights).toEqual([10]);
    expect(kube.patches).toEqual([]);
    expect(kube.applies).toEqual([]);
  });

  it('unnamed: the one route that references stable passes; none or two are the errors prepare() gives', async () => {
    const other: HTTPRoute = { ...stableRoute, metadata: { name: 'other', namespace: 'shop' } };
    expect((await gatewayApi().router.preflight!(probe(canaryRender))).ok).toBe(true);
    expect(await gatewayApi({ routes: [] }).router.preflight!(probe(canaryRender))).toEqual({
      ok: false,
      detail: 'routing gateway-api: no HTTPRoute in shop references Service storefront; name one with `route`'
    });
    const two = gatewayApi({ routes: [stableRoute, other] });
    expect((await two.router.preflight!(probe(canaryRender))).detail).toBe(
      'routing gateway-api: HTTPRoutes storefront, other in shop all reference Service storefront; name one with `route`'
    );
    // The same message as prepare() throws: one source for both.
    await expect(gatewayApi({ routes: [] }).router.prepare(10)).rejects.toThrow(
      'routing gateway-api: no HTTPRoute in shop references Service storefront; name one with `route`'
    );
    expect(two.kube.patches).toEqual([]);
  });

  it('a named route that does not exist, or does not reference stable, is a named error', async () => {
    const missing = gatewayApi({ route: 'nope' });
    expect(await missing.router.preflight!(probe(canaryRender))).toEqual({
      ok: false,
      detail: 'routing gateway-api: HTTPRoute shop/nope (input `route`) does not exist'
    });
    const elsewhere: HTTPRoute = {
      ...stableRoute,
      metadata: { name: 'admin', namespace: 'shop' },
      spec: { rules: [{ backendRefs: [{ name: 'admin' }] }] }
    };
    const wrong = gatewayApi({ route: 'admin', routes: [stableRoute, elsewhere] });
    expect((await wrong.router.preflight!(probe(canaryRender))).detail).toBe(
      'routing gateway-api: HTTPRoute shop/admin (input `route`) has no backendRef to Service storefront of storefront'
    );
    expect(missing.kube.patches).toEqual([]);
  });

  it('stable without a Service is an error; a first release (no stable) needs no route', async () => {
    expect((await gatewayApi({ stableServices: [] }).router.preflight!(probe(canaryRender))).detail).toBe(
      'routing gateway-api: release storefront in shop renders no Service for a HTTPRoute to point at'
    );
    const first = gatewayApi({ routes: [], stableServices: [] });
    const verdict = await first.router.preflight!(probe([], false));
    expect(verdict.ok).toBe(true);
    expect(verdict.detail).toMatch(/^no stable storefront yet/);
  });

  it("the canary's Service must pair: none in the render, or several without stable's name", async () => {
    const { router } = gatewayApi();
    expect((await router.preflight!(probe([]))).detail).toBe(
      "routing gateway-api: release storefront-canary in shop renders no Service to send the canary's share to"
    );
    expect((await router.preflight!(probe([service('a'), service('b')]))).detail).toBe(
      'routing gateway-api: cannot tell which Service of storefront-canary (a, b) is the canary of storefront'
    );
    // A Service in another namespace is not the canary's backend.
    const away = { ...service('storefront-canary'), namespace: 'elsewhere' };
    expect((await router.preflight!(probe([away]))).ok).toBe(false);
    expect((await router.preflight!(probe([service('x'), service('storefront-canary')]))).ok).toBe(true);
  });

  it('a route in the canary render for the same hosts competes: a named error that names the switch, or says there is none', async () => {
    const competing = httpRoute('storefront-canary', {
      parentRefs: [{ name: 'other-gateway' }],
      hostnames: ['*.example.com'],
      rules: [{ backendRefs: [{ name: 'storefront-canary' }] }]
    });
    const noSwitch = await gatewayApi().router.preflight!(probe([...canaryRender, competing]));
    expect(noSwitch).toEqual({
      ok: false,
      code: 'routing-competing-route',
      detail:
        'routing gateway-api: the canary release storefront-canary renders HTTPRoute shop/storefront-canary for the hosts of HTTPRoute shop/storefront, ' +
        "so it would take traffic outside the weight; the chart's default values have no `enabled` switch for it (e.g. `httpRoute.enabled`): " +
        'give the chart one, or do not render the route in the canary release (docs/charts.md).'
    });
    const withSwitch = await gatewayApi({ switches: ['route.main.enabled'] }).router.preflight!(
      probe([...canaryRender, competing])
    );
    expect(withSwitch.ok).toBe(false);
    expect(withSwitch.detail).toContain(
      "the chart's `route.main.enabled`, set false on the canary release, does not turn it off"
    );
  });

  it('competes on the same parent Gateway when either route has no hostnames; other hosts on another Gateway do not', async () => {
    const { router } = gatewayApi();
    const sameParentNoHosts = httpRoute('c', { parentRefs: [{ name: 'gateway', namespace: 'shop' }] });
    expect((await router.preflight!(probe([...canaryRender, sameParentNoHosts]))).code).toBe(
      'routing-competing-route'
    );
    const otherHost = httpRoute('c', { parentRefs: [{ name: 'gateway' }], hostnames: ['admin.example.org'] });
    const otherParentNoHosts = httpRoute('d', { parentRefs: [{ name: 'internal' }] });
    expect((await router.preflight!(probe([...canaryRender, otherHost, otherParentNoHosts]))).ok).toBe(true);
  });

  it('hostnames overlap: equal (any case), or a wildcard that covers the other', () => {
    expect(hostnamesOverlap('Shop.example.com', 'shop.example.com')).toBe(true);
    expect(hostnamesOverlap('shop.example.com', '*.example.com')).toBe(true);
    expect(hostnamesOverlap('*.example.com', '*.example.com')).toBe(true);
    expect(hostnamesOverlap('example.com', '*.example.com')).toBe(false);
    expect(hostnamesOverlap('shop.example.com', 'cart.example.com')).toBe(false);
  });
});

describe('preflight of the istio router', () => {
  const stableVs: VirtualService = {
    metadata: { name: 'storefront', namespace: 'shop' },
    spec: { hosts: ['shop.example.com'], http: [{ route: [{ destination: { host: 'storefront' } }] }] }
  };
  const vs = (name: string, hosts: string[]): ManifestObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    name,
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name },
      spec: { hosts }
    }
  });
  function istio(route?: string) {
    const kube = new FakeKube();
    kube.put(VIRTUALSERVICE_RESOURCE, stableVs);
    const router = virtualServiceRouter(
      { namespace: 'shop', release: 'storefront', canaryRelease: 'storefront-canary', route },
      {
        kube,
        services: {
          services: async (r) => (r === 'storefront' ? ['storefront'] : []),
          renderedObjects: async () => []
        },
        sleep: async () => {}
      }
    );
    return { kube, router };
  }

  it('passes, names a missing VirtualService, and reports a competing one for the same hosts', async () => {
    const { kube, router } = istio('storefront');
    expect((await router.preflight!(probe(canaryRender))).ok).toBe(true);
    expect((await istio('nope').router.preflight!(probe(canaryRender))).detail).toBe(
      'routing istio: VirtualService shop/nope (input `route`) does not exist'
    );
    const competing = await router.preflight!(
      probe([...canaryRender, vs('storefront-canary', ['shop.example.com'])])
    );
    expect(competing.code).toBe('routing-competing-route');
    expect(competing.detail).toContain('e.g. `virtualService.enabled`');
    expect((await router.preflight!(probe([...canaryRender, vs('other', ['cart.example.com'])]))).ok).toBe(
      true
    );
    expect(kube.patches).toEqual([]);
  });
});

describe("the chart's switches for its own route", () => {
  it('finds a boolean `enabled` under a key that names the route, for the preset', () => {
    const defaults = {
      ingress: { enabled: true },
      httpRoute: { enabled: false, parentRefs: [] },
      route: { main: { enabled: true, hostnames: [] } },
      canary: { enabled: false },
      virtualService: { enabled: 'yes' },
      istio: { virtualService: { enabled: true } }
    };
    expect(routeSwitchesFor('gateway-api', defaults)).toEqual(['httpRoute.enabled', 'route.main.enabled']);
    expect(routeSwitchesFor('istio', defaults)).toEqual(['istio.virtualService.enabled']);
    expect(routeSwitchesFor('ingress-nginx', defaults)).toEqual([]);
    expect(routeSwitchesFor('gateway-api', null)).toEqual([]);
  });

  it('the canary release carries them set false, and no weight', () => {
    expect(routeObjectChartValues({ canaryRouteSwitches: ['httpRoute.enabled'] }, 30)).toEqual([
      { key: 'httpRoute.enabled', value: 'false' }
    ]);
    expect(routeObjectChartValues({}, 30)).toEqual([]);
    expect(() => routeObjectChartValues({}, 130)).toThrow();
  });
});
