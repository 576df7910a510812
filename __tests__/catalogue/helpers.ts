// Starts catalogue API instances in-process on loopback port 0 and stops every one of them afterwards.
import { createCatalogue } from '../../app/catalogue/src/app.js';
import { untilReady } from '../storefront/helpers.js';

type Catalogue = ReturnType<typeof createCatalogue>;
const running: Catalogue[] = [];

export async function startCatalogue(options: Record<string, unknown> = {}) {
  const catalogue = createCatalogue({
    startupDelayMs: 0,
    collectDefaultMetrics: false,
    log: () => {},
    version: '2.0.0',
    release: 'catalogue-canary',
    track: 'canary',
    ...options
  });
  running.push(catalogue);
  const { port } = await catalogue.start(0, '127.0.0.1');
  // Without a start-up delay it is ready one timer tick after listening: wait for that tick, or a test
  // that probes /readyz at once races it on a busy machine.
  if (options.startupDelayMs === undefined) await untilReady(catalogue);
  return { catalogue, base: `http://127.0.0.1:${port}` };
}

export async function stopAllCatalogues() {
  await Promise.all(running.splice(0).map((c) => c.stop()));
}
