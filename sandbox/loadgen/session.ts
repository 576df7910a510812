// One virtual shopper: browse -> product -> (maybe) add to cart -> cart -> (maybe) checkout -> order,
// with its own cookie jar (session, affinity and targeting cookies), as a browser would keep them.
import type { IncomingHttpHeaders } from 'node:http';

export interface CookieJar {
  /** Takes Set-Cookie headers in; Max-Age=0 or an empty value deletes. */
  store(setCookie: string | string[] | undefined): void;
  header(): string;
  get(name: string): string | undefined;
}

export function createCookieJar(initial: Record<string, string> = {}): CookieJar {
  const jar = new Map(Object.entries(initial));
  return {
    store(setCookie) {
      for (const line of [setCookie ?? []].flat()) {
        const [pair, ...attrs] = String(line).split(';');
        const eq = pair.indexOf('=');
        if (eq <= 0) continue;
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
        if (expired || value === '') jar.delete(name);
        else jar.set(name, value);
      }
    },
    header() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    get: (name) => jar.get(name)
  };
}

export type Step = 'browse' | 'product' | 'add' | 'cart' | 'checkout-page' | 'checkout' | 'order';

export interface ShopperRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly step: Step;
  /** A urlencoded form body. */
  readonly form?: string;
}

export interface OutgoingRequest extends ShopperRequest {
  readonly headers: Record<string, string>;
}

export interface Answer {
  readonly request: ShopperRequest;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Session {
  readonly jar: CookieJar;
  readonly done: boolean;
  /** An internal user (sends the targeting headers). */
  internal: boolean;
  /** The request to send next, or undefined when the shopper has nothing more to do. */
  next(): OutgoingRequest | undefined;
  /** Feeds the answer to the last request. */
  observe(answer: Answer): void;
}

export interface SessionOptions {
  readonly random: () => number;
  /** Product ids seen on the catalogue, shared by every shopper (updated from each catalogue page). */
  readonly productIds: string[];
  readonly headers?: Record<string, string>;
  readonly cookies?: Record<string, string>;
  readonly addToCartRate?: number;
  readonly checkoutRate?: number;
}

/** A session is a small state machine: `next()` gives the request to send, `observe()` feeds the answer. */
export function createSession({
  random,
  productIds,
  headers = {},
  cookies = {},
  addToCartRate = 0.6,
  checkoutRate = 0.7
}: SessionOptions): Session {
  const jar = createCookieJar(cookies);
  const queue: ShopperRequest[] = [{ method: 'GET', path: '/', step: 'browse' }];
  let done = false;
  const pick = (): string => productIds[Math.floor(random() * productIds.length)] ?? '1';

  return {
    jar,
    internal: false,
    get done() {
      return done && queue.length === 0;
    },
    next() {
      const request = queue.shift();
      if (!request) return undefined;
      return { ...request, headers: { ...headers, cookie: jar.header() } };
    },
    observe({ request, status, headers: responseHeaders, body }) {
      jar.store(responseHeaders['set-cookie']);
      if (request.step === 'browse') {
        const ids = [...body.matchAll(/href="\/product\/([^"/?#]+)"/g)].map((m) => m[1]);
        if (ids.length > 0) productIds.splice(0, productIds.length, ...new Set(ids));
        queue.push({ method: 'GET', path: `/product/${pick()}`, step: 'product' });
      } else if (request.step === 'product') {
        if (random() < addToCartRate) {
          const id = request.path.split('/').pop();
          queue.push({ method: 'POST', path: '/cart/add', form: `productId=${id}&qty=1`, step: 'add' });
        } else done = true;
      } else if (request.step === 'add') {
        queue.push({ method: 'GET', path: '/cart', step: 'cart' });
      } else if (request.step === 'cart') {
        if (random() < checkoutRate) queue.push({ method: 'GET', path: '/checkout', step: 'checkout-page' });
        else done = true;
      } else if (request.step === 'checkout-page') {
        queue.push({ method: 'POST', path: '/checkout', form: 'confirm=1', step: 'checkout' });
      } else if (request.step === 'checkout') {
        const location = responseHeaders.location;
        if (status === 303 && typeof location === 'string' && location.startsWith('/order/')) {
          queue.push({ method: 'GET', path: location, step: 'order' });
        } else done = true;
      } else done = true;
      if (status >= 500) done = true;
      if (queue.length === 0) done = true;
    }
  };
}
