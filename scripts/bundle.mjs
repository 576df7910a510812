// `npm run bundle`: bundles the two entries of the action with ncc (ESM) into dist/ and dist/post/.
// dist/ is committed; .ci/run rebuilds it and fails when it differs. The new bundle is built beside
// the old one and swapped in at the end, so a running demo never finds dist/ half-written.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helm-paths.mjs';

const entries = [
  { source: 'src/index.ts', out: '' },
  { source: 'src/post-index.ts', out: 'post' }
];
const dist = path.join(repoRoot, 'dist');
const building = path.join(repoRoot, '.dist-building');
const ncc = path.join(repoRoot, 'node_modules', '.bin', 'ncc');

fs.rmSync(building, { recursive: true, force: true });
for (const { source, out } of entries) {
  const outDir = path.join(building, out);
  const result = spawnSync(ncc, ['build', source, '-o', outDir, '--license', 'licenses.txt', '--quiet'], {
    cwd: repoRoot,
    stdio: 'inherit'
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // ncc keeps the ESM output as index.js; Node needs to know it is a module.
  fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
}
const old = `${dist}.old`;
fs.rmSync(old, { recursive: true, force: true });
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(building, dist);
fs.rmSync(old, { recursive: true, force: true });
