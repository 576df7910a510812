// `npm run report:preview -- RECORD.json`: the real CLI through tsx, as the npm script runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HEAD_SHA_PLACEHOLDER, previewCheckRun } from '../../src/report/preview.js';
import { expectValidBody } from './openapi.js';
import { FIXTURES, fixture } from './records.js';

function preview(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.GITHUB_WORKFLOW_REF;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/report/preview-cli.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env
  });
}

test('prints the completed check-run body for a saved record', () => {
  const result = preview(path.join(FIXTURES, 'rolled-back.json'));
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const body = JSON.parse(result.stdout);
  expectValidBody('checks/create', body);
  expect(body).toMatchObject({
    name: 'canary / storefront',
    head_sha: '3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345',
    status: 'completed',
    conclusion: 'failure',
    output: { title: 'Rolled back at 25% after 1m20s: 5xx rate 3% vs 0.44% on stable' }
  });
  expect(body.output.summary).toContain('### Metrics');
  expect(body.output.text).toContain('### Tick log');
});

test('a record in progress previews as in_progress, with the head SHA placeholder when the run is unknown', () => {
  const { decision: _d, run: _run, finishedAt: _f, ...record } = fixture('healthy');
  const body = previewCheckRun({ ...record, phase: 'soaking' });
  expectValidBody('checks/create', body);
  expect(body.status).toBe('in_progress');
  expect(body.conclusion).toBeUndefined();
  expect(body.head_sha).toBe(HEAD_SHA_PLACEHOLDER);
});

describe('errors name the file and what was expected', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'preview-test-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('not JSON', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ nope');
    const result = preview(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Cannot read the rollout record ${file}`);
  });

  test('JSON but not a record', () => {
    const file = path.join(dir, 'other.json');
    writeFileSync(file, '{"hello": 1}');
    const result = preview(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('expected the JSON of the `report` output, schemaVersion 1');
  });

  test('no file', () => {
    const result = preview();
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Usage: npm run report:preview -- RECORD\.json/);
  });
});
