// Entry point: `node app/catalogue/src/server.js`. Reads the environment, starts the catalogue API and
// shuts it down gracefully on SIGTERM/SIGINT (readiness off, in-flight requests finish, exit 0).
import { runServiceIfMain } from '../../shared/run-service.js';
import { createCatalogue } from './app.js';
import { readConfig } from './config.js';

runServiceIfMain(import.meta.url, { readConfig, createApp: createCatalogue });
