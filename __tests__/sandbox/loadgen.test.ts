// The load generator against the REAL storefront app (started in-process): bounded by count, shoppers
// reach checkout, answers are accounted per track from the storefront's own X-Storefront-* headers,
// and an answer without them (the gateway's own: no route, no endpoint, pod unreachable) is classified
// as the routing's or the upstream's failure.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStorefront } from '../../app/storefront/src/app.js';
import { createLoadGenerator, diffSnapshots, mulberry32 } from '../../sandbox/loadgen/loadgen.js';
import { createCookieJar } from '../../sandbox/loadgen/session.js';
import { freePort } from '../../sandbox/lib/ports.js';

type Shop = { start(): Promise<void>; stop(): Promise<unknown> };

async function shop(track: string, errorRate = 0): Promise<{ app: Shop; port: number }> {
  const port = await freePort();
  const app = createStorefront({
    port,
    host: '127.0.0.1',
    track,
    release: track === 'canary' ? 'storefront-canary' : 'storefront',
    pod: `${track}-pod-0`,
    startupDelayMs: 0,
    collectDefaultMetrics: false,
    log: () => {},
    faults: { errorRate }
  }) as Shop;
  await app.start();
  return { app, port };
}

/** A gateway's own answer, without any storefront header (Traefik's 503 when no endpoint is ready, ...). */
async function gatewayAnswering(status: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`${status}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  };
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
  const apps: Shop[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });

  it('sends exactly maxRequests, walks shoppers to checkout, and accounts by the track the storefront names', async () => {
    const canary = await shop('canary');
    apps.push(canary.app);
    const load = createLoadGenerator({
      url: `http://127.0.0.1:${canary.port}`,
      host: 'storefront.example.com',
      // Few shoppers at a time, so they walk all the way to checkout even on a busy machine.
      rps: 200,
      maxSessions: 10,
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
    type Track = {
      requests: number;
      ok: number;
      status5xx: number;
      checkouts: number;
      routingFailures: number;
    };
    const tracks = window.tracks as Record<string, Track>;
    const c = tracks.canary;
    expect(c.requests).toBe(300);
    expect(c.status5xx).toBe(0);
    expect(c.ok).toBeGreaterThan(0);
    expect(c.checkouts).toBeGreaterThan(0);
    expect(tracks.stable.requests).toBe(0);
    expect(tracks.unknown.requests).toBe(0);
    expect(load.lastServedAt()['storefront-canary']).toBeGreaterThan(Date.now() - 30_000);
  }, 30000);

  it("counts a pod's 5xx as the app's answer on its track, not as a routing failure", async () => {
    const failing = await shop('canary', 1);
    apps.push(failing.app);
    const load = createLoadGenerator({
      url: `http://127.0.0.1:${failing.port}`,
      rps: 200,
      maxRequests: 20,
      seed: 2
    });
    load.start();
    await load.finished();
    const { tracks } = load.snapshot();
    await load.stop();
    expect(tracks.canary).toMatchObject({
      requests: 20,
      status5xx: 20,
      routingFailures: 0,
      upstreamFailures: 0
    });
  });

  it.each([
    [404, 'routing'],
    [503, 'routing'],
    [502, 'upstream'],
    [504, 'upstream']
  ])('counts a gateway answer %i without storefront headers as a %s failure', async (status, outcome) => {
    const gateway = await gatewayAnswering(status);
    const load = createLoadGenerator({ url: gateway.url, rps: 200, maxRequests: 10, seed: 1 });
    load.start();
    await load.finished();
    const { tracks, sent } = load.snapshot();
    await load.stop();
    await gateway.close();
    expect(sent).toBe(10);
    expect(outcome === 'routing' ? tracks.unknown.routingFailures : tracks.unknown.upstreamFailures).toBe(10);
    expect(load.failures()[0]).toMatchObject({ outcome, detail: `gateway answered ${status}` });
  });

  it('counts a refused connection to the gateway itself as a routing failure', async () => {
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
