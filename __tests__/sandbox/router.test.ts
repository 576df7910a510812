// The sandbox router against real upstream HTTP servers on loopback: exact weights, ingress-nginx
// header/cookie targeting, fallback when the canary has no endpoints, and no request lost while weights
// and endpoints change under concurrent load.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter } from '../../sandbox/router/router.mjs';
import { createWeightedChooser } from '../../sandbox/router/weighted-choice.mjs';

type Upstream = { server: http.Server; port: number; id: string };

async function upstream(id: string, delayMs = 0): Promise<Upstream> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(id);
      }, delayMs)
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, id };
}

function endpoint(u: Upstream, release: string, track: string) {
  return { id: u.id, host: '127.0.0.1', port: u.port, release, track };
}

function route(stable: Upstream[], canary: Upstream[] | undefined, extra: Record<string, unknown> = {}) {
  return {
    host: 'shop.example.com',
    path: '/',
    stable: {
      key: 'ns/stable',
      release: 'shop',
      track: 'stable',
      endpoints: stable.map((u) => endpoint(u, 'shop', 'stable'))
    },
    ...(canary
      ? {
          canary: {
            backend: {
              key: 'ns/canary',
              release: 'shop-canary',
              track: 'canary',
              endpoints: canary.map((u) => endpoint(u, 'shop-canary', 'canary'))
            },
            weight: 0,
            total: 100,
            ...extra
          }
        }
      : {})
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });

function get(
  port: number,
  headers: Record<string, string> = {}
): Promise<{ status: number; track: string; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers, agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          track: String(res.headers['x-sandbox-track'] ?? ''),
          body,
          error: res.headers['x-sandbox-error'] as string | undefined
        })
      );
    });
    req.on('error', (e) => resolve({ status: 0, track: '', body: '', error: e.message }));
  });
}

describe('weighted choice', () => {
  it('gives the canary exactly floor(n*w/100) of any first n decisions', () => {
    for (const weight of [0, 1, 10, 33, 50, 99, 100]) {
      const chooser = createWeightedChooser(weight);
      let canary = 0;
      for (let n = 1; n <= 1000; n++) {
        if (chooser.next()) canary += 1;
        expect(canary).toBe(Math.floor((n * weight) / 100));
      }
    }
  });
});

describe('sandbox router', () => {
  const upstreams: Upstream[] = [];
  let router: ReturnType<typeof createRouter>;
  let port: number;

  beforeEach(async () => {
    router = createRouter();
    port = await router.listen();
  });
  afterEach(async () => {
    await router.close();
    agent.destroy();
    for (const u of upstreams.splice(0)) {
      u.server.closeAllConnections();
      await new Promise((r) => u.server.close(r));
    }
  });

  async function make(id: string, delayMs = 0) {
    const u = await upstream(id, delayMs);
    upstreams.push(u);
    return u;
  }

  it('follows the canary weight exactly and labels the track', async () => {
    const s = await make('s1');
    const c = await make('c1');
    router.setRoutes([{ ...route([s], [c]), canary: { ...route([s], [c]).canary!, weight: 30 } }]);
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push(await get(port));
    expect(answers.filter((a) => a.track === 'canary')).toHaveLength(30);
    expect(answers.filter((a) => a.track === 'stable')).toHaveLength(70);
    expect(answers.every((a) => a.status === 200 && (a.body === 'c1') === (a.track === 'canary'))).toBe(true);
  });

  it('routes X-Canary: always to the canary and never to stable, whatever the weight', async () => {
    const s = await make('s1');
    const c = await make('c1');
    router.setRoutes([route([s], [c], { weight: 0, header: 'X-Canary' })]);
    expect((await get(port, { 'x-canary': 'always' })).track).toBe('canary');
    expect((await get(port, { 'x-canary': 'maybe' })).track).toBe('stable');
    expect((await get(port)).track).toBe('stable');
    router.setRoutes([route([s], [c], { weight: 100, header: 'X-Canary' })]);
    expect((await get(port, { 'x-canary': 'never' })).track).toBe('stable');
    expect((await get(port)).track).toBe('canary');
  });

  it('with canary-by-header-value, only the exact value targets and others fall through', async () => {
    const s = await make('s1');
    const c = await make('c1');
    router.setRoutes([route([s], [c], { weight: 0, header: 'X-Canary', headerValue: 'internal' })]);
    expect((await get(port, { 'x-canary': 'internal' })).track).toBe('canary');
    expect((await get(port, { 'x-canary': 'always' })).track).toBe('stable');
  });

  it('honours canary-by-cookie always/never', async () => {
    const s = await make('s1');
    const c = await make('c1');
    router.setRoutes([route([s], [c], { weight: 50, cookie: 'beta-tester' })]);
    for (let i = 0; i < 4; i++) {
      expect((await get(port, { cookie: 'a=1; beta-tester=always' })).track).toBe('canary');
      expect((await get(port, { cookie: 'beta-tester=never' })).track).toBe('stable');
    }
  });

  it('falls back to stable when the canary has no endpoints, and says no-endpoints when stable has none', async () => {
    const s = await make('s1');
    router.setRoutes([route([s], [], { weight: 100, header: 'X-Canary' })]);
    expect((await get(port)).track).toBe('stable');
    expect((await get(port, { 'x-canary': 'always' })).track).toBe('stable');
    router.setRoutes([route([], undefined)]);
    const answer = await get(port);
    expect(answer.status).toBe(503);
    expect(answer.error).toBe('no-endpoints');
  });

  it('keeps a session on its pod with cookie affinity', async () => {
    const s1 = await make('s1');
    const s2 = await make('s2');
    router.setRoutes([{ ...route([s1, s2], undefined), affinity: { cookieName: 'route' } }]);
    const first = await new Promise<string>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        resolve(String(res.headers['set-cookie']?.[0] ?? ''));
      });
    });
    const pinned = /route=([^;]+)/.exec(first)![1];
    for (let i = 0; i < 5; i++) expect((await get(port, { cookie: `route=${pinned}` })).body).toBe(pinned);
  });

  it('loses no request while weights move and old endpoints drain under concurrent load', async () => {
    const s1 = await make('s1', 30);
    const s2 = await make('s2', 30);
    const c1 = await make('c1', 30);
    const c2 = await make('c2', 30);
    const base = route([s1], [c1], { weight: 10 });
    router.setRoutes([base]);
    const results: Array<Promise<{ status: number; error?: string }>> = [];
    const fire = async (n: number) => {
      for (let i = 0; i < n; i++) {
        results.push(get(port));
        await new Promise((r) => setTimeout(r, 3));
      }
    };
    const load = fire(400);
    await new Promise((r) => setTimeout(r, 150));
    router.setRoutes([
      { ...route([s1, s2], [c1, c2]), canary: { ...route([s1, s2], [c1, c2]).canary!, weight: 50 } }
    ]);
    await new Promise((r) => setTimeout(r, 150));
    // s1 and c1 leave the endpoints (a rolling update): new requests stop, in-flight ones finish.
    router.setRoutes([{ ...route([s2], [c2]), canary: { ...route([s2], [c2]).canary!, weight: 100 } }]);
    await Promise.all([router.drain('s1'), router.drain('c1')]);
    expect(router.inFlight('s1')).toBe(0);
    expect(router.inFlight('c1')).toBe(0);
    for (const u of [s1, c1]) {
      u.server.closeAllConnections();
      u.server.close();
    }
    await load;
    const answers = await Promise.all(results);
    expect(answers).toHaveLength(400);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const log = router.weightLog();
    expect(log.map((e: { canaryWeight: number | null }) => e.canaryWeight)).toEqual([10, 50, 100]);
  });
});
