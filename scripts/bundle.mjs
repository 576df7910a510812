// `npm run bundle`: bundles the two entries of the action with ncc (ESM) into dist/ and dist/post/.
// dist/ is committed; .ci/run rebuilds it and fails when it differs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helm-paths.mjs';

const entries = [
  { source: 'src/index.ts', out: 'dist' },
  { source: 'src/post-index.ts', out: 'dist/post' }
];

fs.rmSync(path.join(repoRoot, 'dist'), { recursive: true, force: true });
for (const { source, out } of entries) {
  const ncc = path.join(repoRoot, 'node_modules', '.bin', 'ncc');
  const result = spawnSync(ncc, ['build', source, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    cwd: repoRoot,
    stdio: 'inherit'
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // ncc keeps the ESM output as index.js; Node needs to know it is a module.
  fs.writeFileSync(path.join(repoRoot, out, 'package.json'), '{ "type": "module" }\n');
}
