// Regenerates the generated parts of README.md: the inputs/outputs tables from action.yml.
// Usage: node scripts/fill-readme.mjs   (a test fails when the README is out of step with action.yml)
import fs from 'node:fs';
import path from 'node:path';
import { renderTables } from './inputs-table.mjs';
import { repoRoot } from './helm-paths.mjs';

const readmePath = path.join(repoRoot, 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const tables = renderTables(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')).trim();
const filled = readme.replace(
  /<!-- inputs:start -->[\s\S]*?<!-- inputs:end -->/,
  `<!-- inputs:start -->\n${tables}\n<!-- inputs:end -->`
);
fs.writeFileSync(readmePath, filled);
