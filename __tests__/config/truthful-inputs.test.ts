// Inputs that once let a run go wrong (issue 10): each is refused with a named error before
// anything changes, without echoing a secret.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readRolloutSpec } from '../../src/config/index.js';
import { parsePrometheusHeaders } from '../../src/config/prometheus.js';
import { MAX_TIMER_MS, systemClock } from '../../src/clock.js';
import { BASE_INPUTS, configErrorOf, inputs, makeWorkspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

const read = (overrides: Record<string, string>) =>
  readRolloutSpec(inputs({ ...BASE_INPUTS, ...overrides }), { cwd: ws.dir, env: { RUNNER_TEMP: '/tmp' } });
const errorFor = (overrides: Record<string, string>) => configErrorOf(() => read(overrides));

describe('a ladder of only 100 (stable would get no traffic to compare with)', () => {
  test('is refused with the sequential judge, naming the input and the way out', () => {
    expect(errorFor({ steps: '100' })).toMatch(
      /^input `steps`: expected a ladder with a step below 100.*judge: threshold/
    );
  });
  test('is allowed with judge: threshold, and any ladder with a lower step is fine', () => {
    expect(read({ steps: '100', judge: 'threshold' }).steps).toEqual([100]);
    expect(read({ steps: '20,100' }).steps).toEqual([20, 100]);
  });
});

describe('durations a timer cannot hold', () => {
  test.each([
    ['soak', '700h'],
    ['interval', '600h'],
    ['max-extra-soak', '25h']
  ])('%s: %s is refused (at most 24h)', (input, value) => {
    const overrides: Record<string, string> = { [input]: value };
    if (input === 'interval') overrides.soak = '24h';
    expect(errorFor(overrides)).toContain(
      `input \`${input}\`: expected a duration like 10m, 30s, 1h30m or 500ms, at most 24h`
    );
  });

  test('a sleep longer than a Node timer holds waits the whole time instead of firing at once', async () => {
    jest.useFakeTimers();
    try {
      let woke = false;
      void systemClock.sleep(MAX_TIMER_MS + 60_000).then(() => (woke = true));
      await jest.advanceTimersByTimeAsync(MAX_TIMER_MS);
      expect(woke).toBe(false);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(woke).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('versions follow the OCI tag grammar', () => {
  test.each(['1.0`<img src=x>`', '1.0$(curl x|sh)', '-rf', '.hidden', 'a'.repeat(129)])(
    '%s is refused',
    (version) => {
      expect(errorFor({ version })).toMatch(/^input `version`: expected a version in the OCI tag grammar/);
    }
  );
  test.each(['1.4.0', 'v2.0.0-rc.1', 'sha-3f2a1b', '2024_11_20'])('%s is accepted', (version) => {
    expect(read({ version }).version).toBe(version);
  });
});

test('a prometheus-headers line without a colon names the line and shows none of it', () => {
  const message = configErrorOf(() =>
    parsePrometheusHeaders('Accept: text/plain\nBearer s3cr3t-token', 'input `prometheus-headers`')
  );
  expect(message).toMatch(
    /^input `prometheus-headers` line 2: expected `Name: value` \(line content not shown\)/
  );
  expect(message).not.toMatch(/Bearer|s3cr3t/);
});

describe('analysis YAML', () => {
  test('an alias bomb is refused naming the input', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
    ].join('\n');
    expect(errorFor({ analysis: bomb })).toMatch(/^input `analysis`: not valid YAML: .*alias/i);
  });

  test('more than 50 metrics are refused naming the input, before any work on them', () => {
    const metrics = Array.from(
      { length: 51 },
      (_, i) =>
        `  - name: m${i}\n    kind: errors\n    bad: 'x{release="{{release}}"}'\n    total: 'y{release="{{release}}"}'`
    ).join('\n');
    expect(errorFor({ analysis: `metrics:\n${metrics}` })).toMatch(
      /^input `analysis`: `metrics` lists 51 metrics; expected at most 50/
    );
  });
});
