// Entry point: `node app/storefront/src/server.js`. Reads the environment, starts the storefront and
// shuts it down gracefully on SIGTERM/SIGINT (readiness off, in-flight requests finish, exit 0).
import { pathToFileURL } from 'node:url';
import { createStorefront } from './app.js';
import { readConfig } from './config.js';

export { createStorefront } from './app.js';
export { readConfig } from './config.js';

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  const storefront = createStorefront(config);
  const shutdown = async (signal) => {
    console.log(
      JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `${signal}: shutting down` })
    );
    const { forced } = await storefront.stop();
    process.exit(forced ? 1 : 0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await storefront.start();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
