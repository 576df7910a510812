// The storefront's routes over real HTTP on loopback: pages, sessions, cart, checkout and metrics.
import { afterEach, describe, expect, it } from '@jest/globals';
import { browserLike, metricsText, sample, startStorefront, stopAllStorefronts } from './helpers.js';

afterEach(stopAllStorefronts);

describe('storefront pages', () => {
  it('renders the catalogue with links to products and the version in the footer', async () => {
    const { base } = await startStorefront();
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('href="/product/grinder"');
    expect(html).toContain('<footer>storefront <span id="version">1.4.2</span> · track canary</footer>');
  });

  it('names its release, track and pod in every answer, so clients count requests per arm', async () => {
    const { base } = await startStorefront({ pod: 'shop-canary-7d9f-abcde' });
    for (const path of ['/', '/product/teapot', '/healthz']) {
      const response = await fetch(`${base}${path}`);
      expect({
        release: response.headers.get('x-storefront-release'),
        track: response.headers.get('x-storefront-track'),
        pod: response.headers.get('x-storefront-pod')
      }).toEqual({ release: 'shop-canary', track: 'canary', pod: 'shop-canary-7d9f-abcde' });
    }
  });

  it('renders a product page with an add-to-cart form, and 404 for an unknown product', async () => {
    const { base } = await startStorefront();
    const html = await (await fetch(`${base}/product/kettle`)).text();
    expect(html).toContain('<h1>Gooseneck kettle</h1>');
    expect(html).toContain('<form method="post" action="/cart/add">');
    expect(html).toContain('name="productId" value="kettle"');
    const missing = await fetch(`${base}/product/teapot`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No product &quot;teapot&quot;');
  });

  it('answers 404 for unknown paths, 405 with Allow for a known path under the wrong method, HEAD like GET', async () => {
    const { base } = await startStorefront();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const wrong = await fetch(`${base}/cart/add`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const head = await fetch(`${base}/cart`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves liveness and readiness probes', async () => {
    const { base } = await startStorefront();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ready\n');
  });

  it('is not ready until the start-up warm-up is done', async () => {
    const { base, storefront } = await startStorefront({ startupDelayMs: 60_000 });
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('starting\n');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(storefront.isReady()).toBe(false);
  });
});

describe('sessions, cart and checkout', () => {
  it('starts a session (sf_session cookie, counter) on the first visit only', async () => {
    const { base } = await startStorefront();
    const alice = browserLike(base);
    const first = await alice.request('/');
    expect(first.headers.get('set-cookie')).toMatch(
      /^sf_session=[A-Za-z0-9_-]{16,64}; Path=\/; HttpOnly; SameSite=Lax/
    );
    const second = await alice.request('/cart');
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(sample(await metricsText(base), 'storefront_sessions_total')).toBe(1);

    await browserLike(base).request('/product/beans');
    expect(sample(await metricsText(base), 'storefront_sessions_total')).toBe(2);
  });

  it('adds to the cart, checks out to an order page, counts the checkout and empties the cart', async () => {
    const { base } = await startStorefront();
    const bob = browserLike(base);
    await bob.request('/product/grinder');
    const added = await bob.postForm('/cart/add', { productId: 'grinder', qty: '2' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/cart');
    await bob.postForm('/cart/add', { productId: 'beans', qty: '1' });

    const cart = await (await bob.request('/cart')).text();
    expect(cart).toContain('<td>Hand grinder</td><td>2</td><td>€178.00</td>');
    expect(cart).toContain('<th id="total">€202.00</th>');
    expect(cart).toContain('Cart (<span id="cart-count">3</span>)');
    expect(await (await bob.request('/checkout')).text()).toContain('id="place-order"');

    const placed = await bob.postForm('/checkout', { email: 'bob@example.com' });
    expect(placed.status).toBe(303);
    const location = placed.headers.get('location')!;
    expect(location).toMatch(/^\/order\/[0-9a-f]{12}$/);
    const order = await (await bob.request(location)).text();
    expect(order).toContain('id="order-complete"');
    expect(order).toContain(`<strong id="order-id">${location.split('/')[2]}</strong>`);
    expect(order).toContain('€202.00');
    expect(await (await bob.request('/cart')).text()).toContain('Your cart is empty');

    const metrics = await metricsText(base);
    expect(sample(metrics, 'storefront_checkouts_total')).toBe(1);
    expect(sample(metrics, 'storefront_checkout_failures_total')).toBe(0);
    expect((await bob.request('/order/000000000000')).status).toBe(404);
  });

  it('sends an empty cart back to /cart at checkout without counting an order', async () => {
    const { base } = await startStorefront();
    const carol = browserLike(base);
    const response = await carol.postForm('/checkout', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cart');
    expect(sample(await metricsText(base), 'storefront_checkouts_total')).toBe(0);
  });

  it('rejects an unknown product or a bad quantity with 400', async () => {
    const { base } = await startStorefront();
    const dave = browserLike(base);
    const unknown = await dave.postForm('/cart/add', { productId: 'teapot', qty: '1' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Unknown productId &quot;teapot&quot;');
    expect((await dave.postForm('/cart/add', { productId: 'kettle', qty: '0' })).status).toBe(400);
    expect((await dave.postForm('/cart/add', { productId: 'kettle', qty: '1.5' })).status).toBe(400);
  });
});

describe('metrics exposition', () => {
  it('exposes the contract names and labels, with route templates and without probe traffic', async () => {
    const { base } = await startStorefront();
    await fetch(`${base}/product/scale`);
    await fetch(`${base}/product/kettle`);
    await fetch(`${base}/missing`);
    await fetch(`${base}/healthz`);
    await fetch(`${base}/readyz`);
    const text = await metricsText(base);

    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE storefront_sessions_total counter');
    expect(text).toContain('# TYPE storefront_checkouts_total counter');
    expect(text).toContain('# TYPE storefront_checkout_failures_total counter');
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/product/:id', code: '200' })).toBe(
      2
    );
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', code: '404' })).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/product/:id' })
    ).toBe(2);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', {
        method: 'GET',
        route: '/product/:id',
        le: '+Inf'
      })
    ).toBe(2);
    expect(text).not.toMatch(/http_request_duration_seconds_bucket\{[^}]*code=/);
    expect(text).not.toMatch(/route="\/(healthz|readyz|metrics)"/);
    expect(
      sample(text, 'storefront_build_info', { version: '1.4.2', track: 'canary', release: 'shop-canary' })
    ).toBe(1);
  });

  it('collects the default process metrics when enabled', async () => {
    const { base } = await startStorefront({ collectDefaultMetrics: true });
    expect(await metricsText(base)).toContain('process_cpu_user_seconds_total');
  });
});
