// One real shopping trip in Debian's headless Chromium, driven by playwright-core: home -> product ->
// add to cart -> checkout -> order page, through a round-robin router over two instances (two pods
// without sticky sessions), so consecutive pages come from different pods. Saves a screenshot
// (SAVE_SCREENSHOT=path, else .test-output/).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { metricsText, sample, startRoundRobin, startStorefront, stopAllStorefronts } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `Skipping the storefront browser test: ${CHROMIUM} is absent (apt-get install chromium; CI installs it).`
  );
}

(haveChromium ? describe : describe.skip)('storefront in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run'
      ]
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopAllStorefronts();
  });

  it('browses, adds to cart and checks out across two pods; the order completes and the checkout counter goes up', async () => {
    const pods = [
      await startStorefront({ version: '2.3.0', release: 'storefront', track: 'stable' }),
      await startStorefront({ version: '2.3.0', release: 'storefront', track: 'stable' })
    ].map((pod) => pod.base);
    const { base, served } = await startRoundRobin(pods);
    const total = async (name: string) => {
      let sum = 0;
      for (const pod of pods) sum += sample(await metricsText(pod), name) ?? NaN;
      return sum;
    };
    expect(await total('storefront_checkouts_total')).toBe(0);

    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(`${base}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Coffee gear');
    await expect(page.locator('#version').textContent()).resolves.toBe('2.3.0');

    await page.click('a[href="/product/pour-over"]');
    await page.waitForURL(`${base}/product/pour-over`);
    await page.fill('input[name="qty"]', '2');
    await page.click('#add-to-cart');
    await page.waitForURL(`${base}/cart`);
    await expect(page.locator('#cart-count').textContent()).resolves.toBe('2');
    await expect(page.locator('#total').textContent()).resolves.toBe('€58.00');

    await page.click('#to-checkout');
    await page.waitForURL(`${base}/checkout`);
    await page.click('#place-order');
    await page.waitForURL(/\/order\/[0-9a-f]{12}$/);
    await expect(page.locator('#order-complete').textContent()).resolves.toContain('is complete');
    const orderId = await page.locator('#order-id').textContent();
    expect(page.url()).toBe(`${base}/order/${orderId}`);

    const cookies = (await page.context().cookies()).map((c) => c.name);
    expect(cookies).toEqual(expect.arrayContaining(['sf_session', 'sf_order']));
    expect(cookies).not.toContain('sf_cart');
    // Both pods served the trip, yet it is one session and one order.
    expect(served.every((count) => count > 0)).toBe(true);
    expect(await total('storefront_checkouts_total')).toBe(1);
    expect(await total('storefront_sessions_total')).toBe(1);

    const target = process.env.SAVE_SCREENSHOT || path.join('.test-output', 'storefront.png');
    mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target, fullPage: true });
    expect(existsSync(target)).toBe(true);
  }, 60_000);
});
