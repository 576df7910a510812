// Entry point: `node app/storefront/src/server.js`. Reads the environment, starts the storefront and
// shuts it down gracefully on SIGTERM/SIGINT (readiness off, drain, in-flight requests finish, exit 0).
import { runServiceIfMain } from '../../shared/run-service.js';
import { createStorefront } from './app.js';
import { readConfig } from './config.js';

export { createStorefront } from './app.js';
export { readConfig } from './config.js';

runServiceIfMain(import.meta.url, { readConfig, createApp: createStorefront });
