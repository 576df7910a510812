// Runs the committed bundle the way the runner does: `node dist/index.js` with INPUT_* variables.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function runBundle(entry: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-dist-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' };
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', RUNNER_TEMP: dir, ...extraEnv };
  for (const [name, file] of Object.entries(files)) {
    env[name] = path.join(dir, file);
    fs.writeFileSync(env[name], '');
  }
  // The runner passes each input as INPUT_<NAME> with spaces as underscores, upper-cased, dashes kept.
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [path.join(root, entry)], {
    env,
    encoding: 'utf8',
    timeout: 60_000
  });
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  const out = { ...result, output: read('output'), state: read('state') };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

describe('the bundled action (dist/)', () => {
  it('fails with exit code 1 and an ::error:: naming `release` when release is missing', () => {
    const result = runBundle('dist/index.js', {
      chart: 'charts/storefront',
      version: '2.0.0',
      'prometheus-url': 'http://127.0.0.1:9'
    });
    expect(result.status).toBe(1);
    const errorLine = result.stdout.split('\n').find((line) => line.startsWith('::error::'));
    expect(errorLine).toBeDefined();
    expect(errorLine).toMatch(/release/);
    // Validation runs before anything else: no rollout phase was saved for the post step.
    expect(result.state).not.toMatch(/phase/);
  });

  it('rejects a bad input with a message naming it, before touching anything', () => {
    const result = runBundle('dist/index.js', {
      release: 'storefront',
      chart: 'charts/storefront',
      version: '2.0.0',
      steps: '50,25',
      'prometheus-url': 'http://127.0.0.1:9'
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/::error::.*steps/);
  });

  it('post step with no saved state has nothing to clean up', () => {
    const result = runBundle('dist/post/index.js', { release: 'storefront' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('nothing to clean up');
  });
});
