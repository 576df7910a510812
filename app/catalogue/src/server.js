// Entry point: `node app/catalogue/src/server.js`. Reads the environment, starts the catalogue API and
// shuts it down gracefully on SIGTERM/SIGINT (readiness off, in-flight requests finish, exit 0).
import { pathToFileURL } from 'node:url';
import { createCatalogue } from './app.js';
import { readConfig } from './config.js';

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  const catalogue = createCatalogue(config);
  const shutdown = async (signal) => {
    console.log(
      JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `${signal}: shutting down` })
    );
    const { forced } = await catalogue.stop();
    process.exit(forced ? 1 : 0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await catalogue.start();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
