// The storefront with the catalogue API behind it (CATALOGUE_URL): pages built from the API's answers,
// and a bad API shown as the storefront's own 5xx, so a faulty backend shows in the frontend's error rate.
import http from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { readConfig } from '../../app/storefront/src/config.js';
import { startCatalogue, stopAllCatalogues } from '../catalogue/helpers.js';
import { browserLike, metricsText, sample, startStorefront, stopAllStorefronts } from './helpers.js';

const silent: http.Server[] = [];

afterEach(async () => {
  await stopAllStorefronts();
  await stopAllCatalogues();
  for (const server of silent.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('storefront with the catalogue API', () => {
  it('renders the catalogue and product pages from the API', async () => {
    const { base: api } = await startCatalogue();
    const { base } = await startStorefront({ catalogueUrl: api, catalogueWarmUpCalls: 0 });
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('href="/product/grinder"');
    const product = await fetch(`${base}/product/kettle`);
    expect(await product.text()).toContain('<h1>Gooseneck kettle</h1>');
    expect((await fetch(`${base}/product/teapot`)).status).toBe(404);
    const text = await metricsText(api);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products', code: '200' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products/:id', code: '200' })).toBe(
      1
    );
  });

  it('is ready only after its warm-up calls to the API, which open connections before shoppers come', async () => {
    const { base: api } = await startCatalogue();
    const { base, storefront } = await startStorefront({ catalogueUrl: api, catalogueWarmUpCalls: 5 });
    const until = Date.now() + 5000;
    while (!storefront.isReady() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(storefront.isReady()).toBe(true);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await metricsText(api);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/products', code: '200' })).toBe(5);
  });

  it('becomes ready after its warm-up even when the API is down (pages then answer 502)', async () => {
    const { base, storefront } = await startStorefront({
      catalogueUrl: 'http://127.0.0.1:1',
      catalogueWarmUpCalls: 3
    });
    const until = Date.now() + 5000;
    while (!storefront.isReady() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(storefront.isReady()).toBe(true);
    expect((await fetch(`${base}/`)).status).toBe(502);
  });

  it('takes a checkout with the prices the API gives', async () => {
    const { base: api } = await startCatalogue();
    const { base } = await startStorefront({ catalogueUrl: `${api}/` });
    const shopper = browserLike(base);
    expect((await shopper.postForm('/cart/add', { productId: 'scale', qty: '2' })).status).toBe(303);
    const placed = await shopper.postForm('/checkout', {});
    expect(placed.status).toBe(303);
    const order = await shopper.request(placed.headers.get('location')!);
    expect(await order.text()).toContain('€78.00');
  });

  it('answers 502, counted in its own metrics, when the API fails', async () => {
    const { base: api } = await startCatalogue({ faults: { errorRate: 1 } });
    const { base } = await startStorefront({ catalogueUrl: api });
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(502);
    expect(await home.text()).toContain('answered 500 for /products');
    expect((await fetch(`${base}/product/beans`)).status).toBe(502);
    const text = await metricsText(base);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/', code: '502' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/product/:id', code: '502' })).toBe(
      1
    );
  });

  it('answers 502 when the API is not there or does not answer in time', async () => {
    const server = http.createServer(() => {}); // accepts and never answers
    silent.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { base: slow } = await startStorefront({
      catalogueUrl: `http://127.0.0.1:${port}`,
      catalogueTimeoutMs: 100
    });
    const late = await fetch(`${slow}/`);
    expect(late.status).toBe(502);
    expect(await late.text()).toContain('no answer within 100 ms');
    const { base: gone } = await startStorefront({ catalogueUrl: 'http://127.0.0.1:1' });
    expect((await fetch(`${gone}/cart`)).status).toBe(502);
  });

  it('answers 502 when the API answers something that is not a product list', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ products: [{ id: 'x', name: 'no price' }] }));
    });
    silent.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { base } = await startStorefront({ catalogueUrl: `http://127.0.0.1:${port}` });
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(502);
    expect(await home.text()).toContain('without a valid product list');
  });

  it('reads CATALOGUE_URL (empty = built-in catalogue) and refuses one that is not an http(s) URL', () => {
    expect(readConfig({}).catalogueUrl).toBeUndefined();
    expect(readConfig({ CATALOGUE_URL: '' }).catalogueUrl).toBeUndefined();
    expect(readConfig({ CATALOGUE_URL: 'http://catalogue.example.com' })).toMatchObject({
      catalogueUrl: 'http://catalogue.example.com',
      catalogueTimeoutMs: 2000,
      catalogueWarmUpCalls: 50
    });
    expect(() => readConfig({ CATALOGUE_URL: 'catalogue:8080' })).toThrow(
      /CATALOGUE_URL="catalogue:8080" is invalid: expected an http\(s\) URL/
    );
    expect(() => readConfig({ CATALOGUE_TIMEOUT_MS: '0' })).toThrow(/CATALOGUE_TIMEOUT_MS="0" is invalid/);
    expect(readConfig({ CATALOGUE_WARMUP_CALLS: '0' }).catalogueWarmUpCalls).toBe(0);
  });
});
