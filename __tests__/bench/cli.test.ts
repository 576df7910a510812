// The benchmark CLI's JSON contract (field names, nulls that do not apply), the Wald bound from
// JUDGE.md, and clear errors for bad scenario files. Runs a tiny scenario file through the real CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { normalizeScenario } from '../../bench/scenario.js';
import { scenarioWaldBound, waldBoundSeconds } from '../../bench/wald.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(scenarios: unknown, extra: string[] = []) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof scenarios === 'string' ? scenarios : JSON.stringify(scenarios));
  return spawnSync(tsx, ['bench/run.ts', '--scenario', file, '--json', ...extra], {
    cwd: root,
    encoding: 'utf8',
    env: process.env
  });
}

const RESULT_KEYS = [
  'detectedFraction',
  'excessBadRequests',
  'falseRollbackRate',
  'medianDetectSeconds',
  'p90DetectSeconds'
];

describe('npm run bench -- --scenario FILE --json', () => {
  it('prints only a JSON array with the contract fields for every judge', () => {
    const out = runCli([
      { name: 'tiny 5%', runs: 6, horizonSeconds: 120, errors: { canary: 0.05 } },
      { name: 'tiny A/A', runs: 6, horizonSeconds: 120, seed: 3 }
    ]);
    expect(out.status).toBe(0);
    const parsed = JSON.parse(out.stdout);
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed.map((s: any) => s.name)).toEqual(['tiny 5%', 'tiny A/A']);
    for (const scenario of parsed) {
      expect(Object.keys(scenario).sort()).toEqual(['judges', 'name', 'waldBoundSeconds']);
      expect(Object.keys(scenario.judges).sort()).toEqual([
        'flagger-1',
        'flagger-5',
        'kayenta',
        'sequential'
      ]);
      for (const r of Object.values(scenario.judges))
        expect(Object.keys(r as object).sort()).toEqual(RESULT_KEYS);
    }
    const [regression, aa] = parsed;
    // JUDGE.md: p1 = 5%, 50 rps, w = 0.2, p0 = 0.5%, alpha 0.05 -> 6.8 s
    expect(regression.waldBoundSeconds).toBeCloseTo(6.8, 1);
    expect(regression.judges.sequential.falseRollbackRate).toBeNull();
    expect(regression.judges.sequential.detectedFraction).toBeGreaterThan(0.5);
    expect(typeof regression.judges.sequential.medianDetectSeconds).toBe('number');
    expect(aa.waldBoundSeconds).toBeNull();
    expect(aa.judges.sequential.detectedFraction).toBeNull();
    expect(aa.judges.sequential.medianDetectSeconds).toBeNull();
    expect(aa.judges.sequential.excessBadRequests).toBeNull();
    expect(typeof aa.judges.kayenta.falseRollbackRate).toBe('number');
  }, 60000);

  it('names the scenario and field when the file is wrong', () => {
    const bad = runCli([{ name: 'oops', canaryWeight: 3 }]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('scenario "oops": canaryWeight must be a fraction in (0, 1]');
    const notArray = runCli('{"name":"x"}');
    expect(notArray.status).toBe(1);
    expect(notArray.stderr).toMatch(/expected a JSON array of scenarios/);
  }, 60000);
});

describe('Wald bound (JUDGE.md)', () => {
  it('reproduces the published figures for R = 50, w = 0.2, p0 = 0.5%', () => {
    expect(waldBoundSeconds(50, 0.2, 0.005, 0.02, 0.05)).toBeCloseTo(33.2, 1);
    expect(waldBoundSeconds(50, 0.2, 0.005, 0.02, 0.01)).toBeCloseTo(51, 0);
    expect(waldBoundSeconds(50, 0.2, 0.005, 0.01, 0.05)).toBeCloseTo(204, -1);
    expect(waldBoundSeconds(50, 0.2, 0.005, 0.01, 0.01)).toBeCloseTo(313, -1);
    expect(waldBoundSeconds(50, 0.2, 0.005, 0.05, 0.01)).toBeCloseTo(10.5, 1);
  });

  it('integrates the information over a weight ladder and is null without an error regression', () => {
    const ladder = normalizeScenario({
      name: 'ladder',
      errors: { canary: 0.02 },
      weights: [
        { atSecond: 0, weight: 0.05 },
        { atSecond: 300, weight: 0.25 }
      ]
    });
    const bound = scenarioWaldBound(ladder)!;
    expect(bound).toBeGreaterThan(33.2);
    expect(bound).toBeLessThan(300 + 33.2);
    expect(scenarioWaldBound(normalizeScenario({ name: 'aa' }))).toBeNull();
  });
});
