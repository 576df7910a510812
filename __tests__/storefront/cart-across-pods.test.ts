// Carts and confirmations travel in signed cookies, so a shopper whose requests reach different pods
// (stable and canary, or two replicas without sticky sessions) still checks out. Two real instances on
// loopback stand in for two pods; tampered, foreign or oversized cookies read as an empty cart.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { DEV_CART_SECRET, readConfig } from '../../app/storefront/src/config.js';
import { browserLike, metricsText, sample, startStorefront, stopAllStorefronts } from './helpers.js';

afterEach(stopAllStorefronts);

async function twoPods(options: Record<string, unknown> = {}) {
  const a = await startStorefront({ track: 'stable', release: 'shop', ...options });
  const b = await startStorefront({ track: 'canary', release: 'shop-canary', ...options });
  return { a: a.base, b: b.base };
}

async function counter(base: string, name: string) {
  return sample(await metricsText(base), name);
}

// Re-signs a payload as an attacker without the secret would have to: with a guessed key.
function forge(purpose: string, sessionId: string, value: unknown, key: string) {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  const mac = createHmac('sha256', key).update(`${purpose}\n${sessionId}\n${payload}`).digest('base64url');
  return `v1.${payload}.${mac}`;
}

describe('a cart built on one pod', () => {
  it('is shown and checked out by another pod, and the order page renders on either', async () => {
    const { a, b } = await twoPods();
    const onA = browserLike(a);
    const onB = onA.on(b);
    await onA.request('/product/grinder');
    expect((await onA.postForm('/cart/add', { productId: 'grinder', qty: '2' })).status).toBe(303);
    expect(onA.jar.get('sf_cart')).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    await onB.postForm('/cart/add', { productId: 'beans', qty: '1' });

    const cart = await (await onB.request('/cart')).text();
    expect(cart).toContain('<td>Hand grinder</td><td>2</td><td>€178.00</td>');
    expect(cart).toContain('<th id="total">€202.00</th>');
    expect(await (await onA.request('/checkout')).text()).toContain('Cart (<span id="cart-count">3</span>)');

    const placed = await onB.postForm('/checkout', { email: 'bob@example.com' });
    expect(placed.status).toBe(303);
    const location = placed.headers.get('location')!;
    expect(location).toMatch(/^\/order\/[0-9a-f]{12}$/);
    const orderId = location.split('/')[2];

    // Pod A never saw the order: it renders the confirmation from the signed sf_order cookie.
    for (const pod of [onA, onB]) {
      const page = await pod.request(location);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`<strong id="order-id">${orderId}</strong>`);
      expect(html).toContain('Total paid: <strong>€202.00</strong>');
      expect(html).toContain('<td>House blend, 1 kg</td><td>1</td>');
    }
    expect(onA.jar.has('sf_cart')).toBe(false);
    expect(await (await onA.request('/cart')).text()).toContain('Your cart is empty');

    expect(await counter(b, 'storefront_checkouts_total')).toBe(1);
    expect(await counter(a, 'storefront_checkouts_total')).toBe(0);
    // A confirmation for another order id is not vouched for by the cookie.
    expect((await onA.request('/order/0123456789ab')).status).toBe(404);
  });

  it('meets the payment fault on the other pod: a 200 "payment failed" page, a failure counted, the cart kept', async () => {
    const a = (await startStorefront()).base;
    const b = (await startStorefront({ faults: { checkoutFailureRate: 1 } })).base;
    const onA = browserLike(a);
    await onA.postForm('/cart/add', { productId: 'scale', qty: '1' });
    const cartCookie = onA.jar.get('sf_cart');
    const failed = await onA.on(b).postForm('/checkout', {});
    expect(failed.status).toBe(200);
    expect(await failed.text()).toContain('id="payment-failed"');
    expect(onA.jar.get('sf_cart')).toBe(cartCookie);
    const metrics = await metricsText(b);
    expect(sample(metrics, 'storefront_checkout_failures_total')).toBe(1);
    expect(sample(metrics, 'storefront_checkouts_total')).toBe(0);
    expect(await (await onA.request('/cart')).text()).toContain('<td>Brew scale</td>');
  });

  it('needs the same CART_SECRET on both pods: a cart signed with another secret reads as empty', async () => {
    const a = (await startStorefront({ cartSecret: 'first-secret-0123456789' })).base;
    const b = (await startStorefront({ cartSecret: 'other-secret-0123456789' })).base;
    const onA = browserLike(a);
    await onA.postForm('/cart/add', { productId: 'kettle', qty: '1' });
    expect(await (await onA.request('/cart')).text()).toContain('<td>Gooseneck kettle</td>');
    expect(await (await onA.on(b).request('/cart')).text()).toContain('Your cart is empty');
  });
});

describe('a tampered cart cookie', () => {
  async function shopperWithCart(base: string) {
    const shopper = browserLike(base);
    await shopper.postForm('/cart/add', { productId: 'grinder', qty: '1' });
    return shopper;
  }

  async function expectEmptyCart(base: string, shopper: ReturnType<typeof browserLike>) {
    const cart = await (await shopper.request('/cart')).text();
    expect(cart).toContain('Your cart is empty');
    expect(cart).toContain('Cart (<span id="cart-count">0</span>)');
    const checkout = await shopper.postForm('/checkout', {});
    expect(checkout.status).toBe(303);
    expect(checkout.headers.get('location')).toBe('/cart');
    expect(await counter(base, 'storefront_checkouts_total')).toBe(0);
  }

  it('reads as an empty cart when its payload is edited (a cheaper line, more items)', async () => {
    const { a } = await twoPods();
    const shopper = await shopperWithCart(a);
    const [version, , mac] = shopper.jar.get('sf_cart')!.split('.');
    const edited = Buffer.from(JSON.stringify([['grinder', 50]])).toString('base64url');
    shopper.jar.set('sf_cart', `${version}.${edited}.${mac}`);
    await expectEmptyCart(a, shopper);
  });

  it('reads as an empty cart when signed with a guessed key, garbled, oversized or badly escaped', async () => {
    const { a } = await twoPods();
    const shopper = await shopperWithCart(a);
    const session = shopper.jar.get('sf_session')!;
    const good = shopper.jar.get('sf_cart')!;
    for (const bad of [
      forge('sf_cart', session, [['grinder', 1]], 'secret'),
      good.slice(0, -2),
      'v2' + good.slice(2),
      'not-a-cart',
      '%E0%A4%A',
      `v1.${'A'.repeat(5000)}.${good.split('.')[2]}`
    ]) {
      shopper.jar.set('sf_cart', bad);
      const response = await shopper.request('/cart');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Your cart is empty');
    }
    await expectEmptyCart(a, shopper);
  });

  it("reads as an empty cart when it is another session's cart", async () => {
    const { a, b } = await twoPods();
    const alice = await shopperWithCart(a);
    const mallory = browserLike(b);
    await mallory.request('/');
    mallory.jar.set('sf_cart', alice.jar.get('sf_cart')!);
    await expectEmptyCart(b, mallory);
  });

  it('still accepts a cart signed with the secret (the forging helper matches the real scheme)', async () => {
    const { a } = await twoPods();
    const shopper = browserLike(a);
    await shopper.request('/');
    shopper.jar.set(
      'sf_cart',
      forge('sf_cart', shopper.jar.get('sf_session')!, [['beans', 3]], DEV_CART_SECRET)
    );
    expect(await (await shopper.request('/cart')).text()).toContain('<td>House blend, 1 kg</td><td>3</td>');
  });
});

describe('sessions across pods', () => {
  it('counts a session once per shopper, on the pod of the first visit, wherever the next requests land', async () => {
    const { a, b } = await twoPods();
    const first = browserLike(a);
    await first.request('/');
    for (const base of [b, a, b, b]) await first.on(base).request('/cart');
    await first.on(b).postForm('/cart/add', { productId: 'beans', qty: '1' });
    await first.on(a).postForm('/checkout', {});

    const second = browserLike(b);
    await second.request('/product/scale');
    await second.on(a).request('/');

    expect(await counter(a, 'storefront_sessions_total')).toBe(1);
    expect(await counter(b, 'storefront_sessions_total')).toBe(1);
    expect(await counter(a, 'storefront_checkouts_total')).toBe(1);
  });

  it('starts the session and the cart in one request when the first visit is an add to cart', async () => {
    const { a, b } = await twoPods();
    const shopper = browserLike(a);
    const added = await shopper.postForm('/cart/add', { productId: 'kettle', qty: '2' });
    expect(added.headers.getSetCookie().map((line) => line.split('=')[0])).toEqual(['sf_session', 'sf_cart']);
    expect(await (await shopper.on(b).request('/cart')).text()).toContain(
      '<td>Gooseneck kettle</td><td>2</td>'
    );
    expect(await counter(a, 'storefront_sessions_total')).toBe(1);
    expect(await counter(b, 'storefront_sessions_total')).toBe(0);
  });
});

describe('CART_SECRET', () => {
  it('defaults to the fixed development secret and takes a long enough value from the environment', () => {
    expect(readConfig({}).cartSecret).toBe(DEV_CART_SECRET);
    expect(readConfig({ CART_SECRET: 'a-production-secret-value' }).cartSecret).toBe(
      'a-production-secret-value'
    );
    expect(() => readConfig({ CART_SECRET: 'short' })).toThrow(
      'Environment variable CART_SECRET is invalid: expected at least 16 characters, got 5'
    );
  });
});
