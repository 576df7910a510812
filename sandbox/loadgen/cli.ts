// Steady shopper traffic from the command line, for any cluster's ingress (the sandbox's Traefik, or
// ingress-nginx in e2e-kind.yml): npx tsx sandbox/loadgen/cli.ts --url URL [--host HOST] [--rps N]
// [--seconds N]. Prints one JSON summary per track when it ends (time, Ctrl-C or SIGTERM).
import { parseArgs } from 'node:util';
import { createLoadGenerator } from './loadgen.js';

const usage =
  'usage: npx tsx sandbox/loadgen/cli.ts --url http://127.0.0.1:8080 [--host storefront.local] [--rps 40] [--seconds 600]';

function readOptions(): { url?: string; host?: string; rps: string; seconds: string } {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        host: { type: 'string' },
        rps: { type: 'string', default: '40' },
        seconds: { type: 'string', default: '600' }
      }
    }).values as { url?: string; host?: string; rps: string; seconds: string };
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const options = readOptions();
const rps = Number(options.rps);
const seconds = Number(options.seconds);
if (!options.url || !(rps > 0) || !(seconds > 0)) {
  console.error(`--url is required; --rps and --seconds must be positive numbers\n${usage}`);
  process.exit(2);
}

const load = createLoadGenerator({ url: options.url, host: options.host, rps, durationSeconds: seconds });
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await load.stop();
  const { sent, tracks } = load.snapshot();
  console.log(JSON.stringify({ sent, tracks }));
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
load.start();
await load.finished();
await stop();
