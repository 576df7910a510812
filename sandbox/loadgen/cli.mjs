#!/usr/bin/env node
// Steady shopper traffic from the command line, for a real cluster's ingress as much as for the
// sandbox's router (e2e-kind.yml uses it): node sandbox/loadgen/cli.mjs --url URL [--host HOST]
// [--rps N] [--seconds N]. Prints one JSON summary per track when it ends (time, Ctrl-C or SIGTERM).
import { parseArgs } from 'node:util';
import { createLoadGenerator } from './loadgen.mjs';

const usage = 'usage: node sandbox/loadgen/cli.mjs --url http://127.0.0.1:8080 [--host storefront.local] [--rps 40] [--seconds 600]';
let options;
try {
  ({ values: options } = parseArgs({
    options: {
      url: { type: 'string' },
      host: { type: 'string' },
      rps: { type: 'string', default: '40' },
      seconds: { type: 'string', default: '600' }
    }
  }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const rps = Number(options.rps);
const seconds = Number(options.seconds);
if (!options.url || !(rps > 0) || !(seconds > 0)) {
  console.error(`--url is required; --rps and --seconds must be positive numbers\n${usage}`);
  process.exit(2);
}

const load = createLoadGenerator({ url: options.url, host: options.host, rps, durationSeconds: seconds });
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await load.stop();
  const { sent, tracks } = load.snapshot();
  console.log(JSON.stringify({ sent, tracks }));
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
load.start();
await load.finished();
await stop();
