// Fault injection: the knobs that let a canary play a bad release (5xx, latency, failed payments, crash).
import { afterEach, describe, expect, it } from '@jest/globals';
import { createFaults } from '../../app/storefront/src/faults.js';
import { readConfig } from '../../app/storefront/src/config.js';
import { browserLike, metricsText, sample, startStorefront, stopAllStorefronts } from './helpers.js';

afterEach(stopAllStorefronts);

describe('fault injection over HTTP', () => {
  it('answers 500 on shop routes at error rate 1, counted in the metrics, but never on probes or scrapes', async () => {
    const { base } = await startStorefront({ faults: { errorRate: 1 } });
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(500);
    expect(await home.text()).toContain('Injected fault.');
    expect((await fetch(`${base}/product/beans`)).status).toBe(500);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await metricsText(base);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/', code: '500' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/product/:id', code: '500' })).toBe(
      1
    );
  });

  it('answers a 200 "payment failed" page at checkout failure rate 1 and counts the failure, not an order', async () => {
    const { base } = await startStorefront({ faults: { checkoutFailureRate: 1 } });
    const erin = browserLike(base);
    await erin.postForm('/cart/add', { productId: 'scale', qty: '1' });
    const response = await erin.postForm('/checkout', {});
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('id="payment-failed"');
    expect(html).toContain('Payment failed.');
    const text = await metricsText(base);
    expect(sample(text, 'storefront_checkout_failures_total')).toBe(1);
    expect(sample(text, 'storefront_checkouts_total')).toBe(0);
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/checkout', code: '200' })).toBe(1);
    // The cart survives a failed payment, so the shopper can try again.
    expect(await (await erin.request('/cart')).text()).toContain('<td>Brew scale</td>');
  });

  it('adds the configured latency to shop requests (seen in the duration histogram)', async () => {
    const { base } = await startStorefront({ faults: { latencyMs: 60 } });
    expect((await fetch(`${base}/`)).status).toBe(200);
    const text = await metricsText(base);
    const seconds = sample(text, 'http_request_duration_seconds_sum', { method: 'GET', route: '/' })!;
    expect(seconds).toBeGreaterThanOrEqual(0.055);
    expect(
      sample(text, 'http_request_duration_seconds_bucket', { method: 'GET', route: '/', le: '0.05' })
    ).toBe(0);
  });

  it('calls the crash hook FAULT_CRASH_AFTER_SECONDS after start-up', async () => {
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    await startStorefront({ faults: { crashAfterSeconds: 0.05 }, onCrash: () => crashed() });
    await expect(crash).resolves.toBeUndefined();
  });
});

describe('createFaults decisions', () => {
  const fixed = (value: number) => () => value;

  it('fails requests and checkouts when random() falls under the rate, never at rate 0', () => {
    expect(createFaults({ errorRate: 0.3 }, fixed(0.29)).shouldFailRequest()).toBe(true);
    expect(createFaults({ errorRate: 0.3 }, fixed(0.3)).shouldFailRequest()).toBe(false);
    expect(createFaults({ errorRate: 0 }, fixed(0)).shouldFailRequest()).toBe(false);
    expect(createFaults({ checkoutFailureRate: 0.5 }, fixed(0.1)).shouldFailCheckout()).toBe(true);
    expect(createFaults({ checkoutFailureRate: 0 }, fixed(0)).shouldFailCheckout()).toBe(false);
  });

  it('delays only the configured fraction of requests, all of them by default', () => {
    expect(createFaults({ latencyMs: 250 }, fixed(0.99)).delayMs()).toBe(250);
    expect(createFaults({ latencyMs: 250, latencyFraction: 0.2 }, fixed(0.1)).delayMs()).toBe(250);
    expect(createFaults({ latencyMs: 250, latencyFraction: 0.2 }, fixed(0.2)).delayMs()).toBe(0);
    expect(createFaults({ latencyMs: 250, latencyFraction: 0 }, fixed(0)).delayMs()).toBe(0);
    expect(createFaults({}, fixed(0)).delayMs()).toBe(0);
  });
});

describe('readConfig', () => {
  it('maps the contract environment variables', () => {
    const config = readConfig({
      PORT: '8080',
      APP_VERSION: '2.0.1',
      RELEASE: 'shop-canary',
      TRACK: 'canary',
      FAULT_ERROR_RATE: '0.1',
      FAULT_LATENCY_MS: '300',
      FAULT_LATENCY_FRACTION: '0.5',
      FAULT_CHECKOUT_FAILURE_RATE: '0.25',
      FAULT_CRASH_AFTER_SECONDS: '120'
    });
    expect(config).toMatchObject({
      port: 8080,
      version: '2.0.1',
      release: 'shop-canary',
      track: 'canary',
      faults: {
        errorRate: 0.1,
        latencyMs: 300,
        latencyFraction: 0.5,
        checkoutFailureRate: 0.25,
        crashAfterSeconds: 120
      }
    });
    expect(readConfig({}).faults).toEqual({
      errorRate: 0,
      latencyMs: 0,
      latencyFraction: 1,
      checkoutFailureRate: 0,
      crashAfterSeconds: 0
    });
  });

  it('names the variable and the expected range when a value is invalid', () => {
    expect(() => readConfig({ FAULT_ERROR_RATE: '1.5' })).toThrow(
      'Environment variable FAULT_ERROR_RATE="1.5" is invalid: expected a number in [0, 1]'
    );
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT="http".*an integer/);
  });
});
