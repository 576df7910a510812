// The catalogue API over real HTTP on loopback: its JSON routes, probes, metrics and fault switch.
import { afterEach, describe, expect, it } from '@jest/globals';
import { readConfig } from '../../app/catalogue/src/config.js';
import { createRequestFaults } from '../../app/shared/request-faults.js';
import { metricsText, sample } from '../storefront/helpers.js';
import { startCatalogue, stopAllCatalogues } from './helpers.js';

afterEach(stopAllCatalogues);

describe('catalogue API routes', () => {
  it('lists the products with prices in cents and names its version', async () => {
    const { base } = await startCatalogue();
    const response = await fetch(`${base}/products`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { version: string; products: Array<Record<string, unknown>> };
    expect(body.version).toBe('2.0.0');
    expect(body.products.map((p) => p.id)).toContain('grinder');
    expect(body.products.find((p) => p.id === 'grinder')).toMatchObject({
      name: 'Hand grinder',
      price: 8900
    });
  });

  it('answers one product by id, 404 JSON for an unknown one or path, 405 for other methods', async () => {
    const { base } = await startCatalogue();
    const kettle = await fetch(`${base}/products/kettle`);
    expect(kettle.status).toBe(200);
    expect(((await kettle.json()) as { product: { name: string } }).product.name).toBe('Gooseneck kettle');
    const missing = await fetch(`${base}/products/teapot`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No product "teapot"' });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/products`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('names its release, track and pod in every answer', async () => {
    const { base } = await startCatalogue({ pod: 'catalogue-canary-5c8-x' });
    const response = await fetch(`${base}/products`);
    expect({
      release: response.headers.get('x-catalogue-release'),
      track: response.headers.get('x-catalogue-track'),
      pod: response.headers.get('x-catalogue-pod')
    }).toEqual({ release: 'catalogue-canary', track: 'canary', pod: 'catalogue-canary-5c8-x' });
  });

  it('is not ready until its warm-up is done, and not ready while shutting down', async () => {
    const { base, catalogue } = await startCatalogue({ startupDelayMs: 60000 });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect(catalogue.isReady()).toBe(false);
    const { base: other, catalogue: second } = await startCatalogue();
    expect((await fetch(`${other}/readyz`)).status).toBe(200);
    const stopping = second.stop();
    expect(second.isReady()).toBe(false);
    await expect(stopping).resolves.toEqual({ forced: false });
  });
});

describe('catalogue API metrics', () => {
  it('counts API requests by route template and code, and leaves probes and scrapes out', async () => {
    const { base } = await startCatalogue();
    await fetch(`${base}/products`);
    await fetch(`${base}/products/beans`);
    await fetch(`${base}/products/teapot`);
    await fetch(`${base}/healthz`);
    await fetch(`${base}/readyz`);
    const text = await metricsText(base);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products', code: '200' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products/:id', code: '200' })).toBe(
      1
    );
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products/:id', code: '404' })).toBe(
      1
    );
    expect(text).not.toMatch(/route="\/(healthz|readyz|metrics)"/);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/products' })).toBe(
      1
    );
    expect(
      sample(text, 'catalogue_build_info', { version: '2.0.0', track: 'canary', release: 'catalogue-canary' })
    ).toBe(1);
  });
});

describe('catalogue API fault switch', () => {
  it('answers 500 JSON at error rate 1, counted, but never on probes or scrapes', async () => {
    const { base } = await startCatalogue({ faults: { errorRate: 1 } });
    const response = await fetch(`${base}/products`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'Injected fault.' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await metricsText(base);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products', code: '500' })).toBe(1);
  });

  it('adds the configured latency to API requests (seen in the duration histogram)', async () => {
    const { base } = await startCatalogue({ faults: { latencyMs: 60 } });
    expect((await fetch(`${base}/products`)).status).toBe(200);
    const text = await metricsText(base);
    const seconds = sample(text, 'http_request_duration_seconds_sum', { method: 'GET', route: '/products' })!;
    expect(seconds).toBeGreaterThanOrEqual(0.055);
  });

  it('fails when random() falls under the rate, delays only the configured fraction', () => {
    const fixed = (value: number) => () => value;
    expect(createRequestFaults({ errorRate: 0.3 }, fixed(0.29)).shouldFailRequest()).toBe(true);
    expect(createRequestFaults({ errorRate: 0.3 }, fixed(0.3)).shouldFailRequest()).toBe(false);
    expect(createRequestFaults({ errorRate: 0 }, fixed(0)).shouldFailRequest()).toBe(false);
    expect(createRequestFaults({ latencyMs: 250, latencyFraction: 0.2 }, fixed(0.1)).delayMs()).toBe(250);
    expect(createRequestFaults({ latencyMs: 250, latencyFraction: 0.2 }, fixed(0.2)).delayMs()).toBe(0);
  });
});

describe('catalogue API configuration', () => {
  it('reads the chart contract from the environment', () => {
    const config = readConfig({
      PORT: '9090',
      APP_VERSION: '2.0.0',
      RELEASE: 'catalogue-canary',
      TRACK: 'canary',
      POD_NAME: 'catalogue-canary-1',
      FAULT_ERROR_RATE: '0.5',
      FAULT_LATENCY_MS: '250'
    });
    expect(config).toMatchObject({
      port: 9090,
      version: '2.0.0',
      release: 'catalogue-canary',
      track: 'canary',
      pod: 'catalogue-canary-1',
      faults: { errorRate: 0.5, latencyMs: 250, latencyFraction: 1 }
    });
  });

  it('refuses a fault knob out of range, naming the variable and what it expects', () => {
    expect(() => readConfig({ FAULT_ERROR_RATE: '1.5' })).toThrow(
      'Environment variable FAULT_ERROR_RATE="1.5" is invalid: expected a number in [0, 1]'
    );
    expect(() => readConfig({ PORT: 'http' })).toThrow(/PORT="http" is invalid: expected an integer/);
  });
});
