// What an app's server.js does when run as `node src/server.js`: read the environment (exit 2 with the
// message when it is invalid), start the app, and on SIGTERM/SIGINT shut it down gracefully (exit 0, or 1
// when the shutdown timeout cut connections). Imported as a module (tests), server.js starts nothing.
import { pathToFileURL } from 'node:url';
import { logJson } from './json-log.js';

async function runService({ readConfig, createApp }) {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
  const app = createApp(config);
  const shutdown = async (signal) => {
    logJson({ level: 'info', msg: `${signal}: shutting down` });
    const { forced } = await app.stop();
    process.exit(forced ? 1 : 0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.start();
}

// moduleUrl: the server.js's import.meta.url, compared with the script node was asked to run.
export function runServiceIfMain(moduleUrl, { readConfig, createApp }) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  runService({ readConfig, createApp }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
