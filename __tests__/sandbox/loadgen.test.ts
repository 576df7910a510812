// The load generator through the real sandbox router to the REAL storefront app (started in-process):
// bounded by count, shoppers reach checkout, answers are accounted per track, and failures are split
// into the app's (5xx) and the routing's (the router had nowhere to send it).
import { createStorefront } from '../../app/storefront/src/app.js';
import { createRouter } from '../../sandbox/router/router.mjs';
import { createLoadGenerator, diffSnapshots, mulberry32 } from '../../sandbox/loadgen/loadgen.mjs';
import { createCookieJar } from '../../sandbox/loadgen/session.mjs';
import { freePort } from '../../sandbox/lib/ports.mjs';

type Shop = { start(): Promise<void>; stop(): Promise<unknown> };

async function shop(track: string, errorRate = 0): Promise<{ app: Shop; port: number }> {
  const port = await freePort();
  const app = createStorefront({
    port,
    host: '127.0.0.1',
    track,
    release: track === 'canary' ? 'storefront-canary' : 'storefront',
    startupDelayMs: 0,
    collectDefaultMetrics: false,
    log: () => {},
    faults: { errorRate }
  }) as Shop;
  await app.start();
  return { app, port };
}

function backend(key: string, release: string, track: string, port: number) {
  return { key, release, track, endpoints: [{ id: `${key}-0`, host: '127.0.0.1', port, release, track }] };
}

describe('cookie jar', () => {
  it('stores, sends and expires cookies like a browser', () => {
    const jar = createCookieJar();
    jar.store(['sf_session=abc; Path=/; HttpOnly', 'route=pod-1']);
    expect(jar.header()).toBe('sf_session=abc; route=pod-1');
    jar.store('route=; Max-Age=0');
    expect(jar.header()).toBe('sf_session=abc');
  });
});

describe('load generator', () => {
  let router: ReturnType<typeof createRouter>;
  let routerPort: number;
  const apps: Shop[] = [];

  beforeEach(async () => {
    router = createRouter();
    routerPort = await router.listen();
  });
  afterEach(async () => {
    await router.close();
    for (const app of apps.splice(0)) await app.stop();
  });

  it('sends exactly maxRequests, walks shoppers to checkout, and accounts per track', async () => {
    const stable = await shop('stable');
    const canary = await shop('canary', 1);
    apps.push(stable.app, canary.app);
    router.setRoutes([
      {
        host: 'storefront.example.com',
        path: '/',
        stable: backend('stable', 'storefront', 'stable', stable.port),
        canary: {
          backend: backend('canary', 'storefront-canary', 'canary', canary.port),
          weight: 20,
          total: 100
        }
      }
    ]);
    const load = createLoadGenerator({
      url: `http://127.0.0.1:${routerPort}`,
      host: 'storefront.example.com',
      rps: 400,
      maxRequests: 300,
      seed: 3
    });
    const before = load.snapshot();
    load.start();
    await load.finished();
    const window = diffSnapshots(before, load.snapshot());
    await load.stop();
    expect(window.sent).toBe(300);
    // The load generator is plain JavaScript: name the shape this test reads.
    type Track = { requests: number; status5xx: number; checkouts: number; routingFailures: number };
    const tracks = window.tracks as Record<'stable' | 'canary' | 'unknown', Track>;
    const { stable: s, canary: c } = tracks;
    expect(s.requests + c.requests).toBe(300);
    // The canary fails every request on purpose (errorRate 1): all its answers are 5xx, none routing.
    expect(c.requests).toBeGreaterThan(0);
    expect(c.status5xx).toBe(c.requests);
    expect(s.status5xx).toBe(0);
    expect(s.checkouts).toBeGreaterThan(0);
    expect(s.routingFailures + c.routingFailures + tracks.unknown.routingFailures).toBe(0);
  }, 30000);

  it('counts requests the router cannot route as routing failures', async () => {
    router.setRoutes([]);
    const load = createLoadGenerator({
      url: `http://127.0.0.1:${routerPort}`,
      rps: 200,
      maxRequests: 20,
      seed: 1
    });
    load.start();
    await load.finished();
    const { tracks, sent } = load.snapshot();
    await load.stop();
    expect(sent).toBe(20);
    expect(tracks.unknown.routingFailures).toBe(20);
    expect(load.failures()[0]).toMatchObject({ outcome: 'routing', detail: 'no-route' });
  });

  it('counts a refused connection to the router itself as a routing failure', async () => {
    const closedPort = await freePort();
    const load = createLoadGenerator({
      url: `http://127.0.0.1:${closedPort}`,
      rps: 100,
      maxRequests: 5,
      seed: 1
    });
    load.start();
    await load.finished();
    const { tracks } = load.snapshot();
    await load.stop();
    expect(tracks.unknown.routingFailures).toBe(5);
    expect(load.failures()[0].detail).toBe('ECONNREFUSED');
  });

  it('has a reproducible random stream', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
