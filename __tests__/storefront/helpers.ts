// Shared helpers for the storefront tests: start instances in-process on a loopback port 0 and
// stop every one of them afterwards; parse the Prometheus text exposition.
import http from 'node:http';
import { createStorefront } from '../../app/storefront/src/app.js';
import { waitUntil } from '../../sandbox/control-plane/wait.js';

type Storefront = ReturnType<typeof createStorefront>;
const running: Storefront[] = [];

export async function startStorefront(options: Record<string, unknown> = {}) {
  const storefront = createStorefront({
    startupDelayMs: 0,
    collectDefaultMetrics: false,
    log: () => {},
    version: '1.4.2',
    release: 'shop-canary',
    track: 'canary',
    ...options
  });
  running.push(storefront);
  const { port } = await storefront.start(0, '127.0.0.1');
  // With nothing to warm up and no start-up delay it is ready one timer tick after listening: wait for
  // that tick, or a test that probes /readyz at once races it on a busy machine. Warm-up calls to a
  // catalogue API are left to the tests that watch them.
  if (options.startupDelayMs === undefined && options.catalogueUrl === undefined)
    await untilReady(storefront);
  return { storefront, base: `http://127.0.0.1:${port}` };
}

// Waits until a service started in-process says it is ready; fails the test after 5 s.
export function untilReady(service: { isReady(): boolean }): Promise<void> {
  return waitUntil(async () => (service.isReady() ? undefined : 'not ready'), {
    what: 'the service to be ready after listening',
    timeoutMs: 5000,
    intervalMs: 5
  });
}

export async function stopAllStorefronts() {
  await Promise.all(
    routers.splice(0).map((router) => {
      router.closeAllConnections();
      return new Promise((resolve) => router.close(resolve));
    })
  );
  await Promise.all(running.splice(0).map((s) => s.stop()));
}

// A router without affinity in front of several instances: request i goes to target i mod n, so one
// shopper's requests keep landing on different pods. Stopped by stopAllStorefronts().
const routers: http.Server[] = [];

export async function startRoundRobin(targets: string[]) {
  let next = 0;
  const served = targets.map(() => 0);
  const server = http.createServer((req, res) => {
    const index = next++ % targets.length;
    served[index] += 1;
    const upstream = http.request(
      `${targets[index]}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  routers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, served };
}

// Value of one sample in a text exposition, e.g. sample(text, 'storefront_checkouts_total').
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]])
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[4]);
  }
  return undefined;
}

export async function metricsText(base: string): Promise<string> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

// A tiny cookie-keeping client, like a browser's jar: the session (sf_session), the cart (sf_cart) and
// the last order (sf_order) are cookies. `on(otherBase)` is the same shopper reaching another pod.
export function browserLike(base: string, jar: Map<string, string> = new Map()) {
  return {
    jar,
    get cookie() {
      return cookieHeader(jar);
    },
    on(otherBase: string) {
      return browserLike(otherBase, jar);
    },
    async request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (jar.size > 0) headers.set('cookie', cookieHeader(jar));
      const response = await fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    },
    postForm(path: string, form: Record<string, string>) {
      return this.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString()
      });
    }
  };
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}
