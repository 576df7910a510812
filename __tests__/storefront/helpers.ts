// Shared helpers for the storefront tests: start instances in-process on a loopback port 0 and
// stop every one of them afterwards; parse the Prometheus text exposition.
import { createStorefront } from '../../app/storefront/src/app.js';

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
  return { storefront, base: `http://127.0.0.1:${port}` };
}

export async function stopAllStorefronts() {
  await Promise.all(running.splice(0).map((s) => s.stop()));
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

// A tiny cookie-keeping client: the storefront's session lives in the sf_session cookie.
export function browserLike(base: string) {
  let cookie: string | undefined;
  return {
    get cookie() {
      return cookie;
    },
    async request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (cookie) headers.set('cookie', cookie);
      const response = await fetch(`${base}${path}`, { ...init, headers, redirect: 'manual' });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) cookie = setCookie.split(';')[0];
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
