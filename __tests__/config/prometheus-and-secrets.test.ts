// Prometheus URL and headers (secrets), and the list of values main.ts masks.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readRolloutSpec, secretInputValues, secretValues } from '../../src/config/index.js';
import { parsePrometheusHeaders, parsePrometheusUrl } from '../../src/config/prometheus.js';
import { BASE_INPUTS, configErrorOf, inputs, makeWorkspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

const where = 'input `prometheus-headers`';

describe('prometheus-url', () => {
  test('http and https are accepted, a trailing slash dropped', () => {
    expect(parsePrometheusUrl('https://prom.example.com/prometheus/', 'input `prometheus-url`')).toBe(
      'https://prom.example.com/prometheus'
    );
  });
  test.each(['ftp://x', 'prom:9090', 'localhost', 'http://x/?q=1'])('%p is refused', (url) => {
    expect(configErrorOf(() => parsePrometheusUrl(url, 'input `prometheus-url`'))).toMatch(
      /^input `prometheus-url`: expected an http:\/\/ or https:\/\/ URL/
    );
  });
  test('credentials in a refused URL are not echoed', () => {
    const message = configErrorOf(() => parsePrometheusUrl('ftp://user:hunter2@x', 'input `prometheus-url`'));
    expect(message).not.toContain('hunter2');
    expect(message).toContain('ftp://***@x');
  });
});

describe('prometheus-headers', () => {
  test('`Name: value` lines, with colons and quotes in values', () => {
    expect(
      parsePrometheusHeaders('Authorization: Bearer abc:def\nX-Scope-OrgID: "tenant-1"\n', where)
    ).toEqual({
      Authorization: 'Bearer abc:def',
      'X-Scope-OrgID': 'tenant-1'
    });
  });
  test('a JSON map', () => {
    expect(parsePrometheusHeaders('{"Authorization": "Bearer abc", "X-Tenant": 7}', where)).toEqual({
      Authorization: 'Bearer abc',
      'X-Tenant': '7'
    });
  });
  test('a YAML flow map', () => {
    expect(parsePrometheusHeaders('{Authorization: Bearer abc}', where)).toEqual({
      Authorization: 'Bearer abc'
    });
  });
  test('a line without a colon names the line but not the secret', () => {
    const message = configErrorOf(() =>
      parsePrometheusHeaders('Authorization Bearer s3cr3t-token-value-that-is-long-enough-to-cut', where)
    );
    expect(message).toMatch(/^input `prometheus-headers` line 1: expected `Name: value`/);
    expect(message).not.toContain('cut');
  });
  test('an empty value is refused without echoing anything', () => {
    expect(configErrorOf(() => parsePrometheusHeaders('Authorization:', where))).toBe(
      'input `prometheus-headers`: header "Authorization" needs a one-line, non-empty value (value not shown: it is a secret).'
    );
  });
  test('a duplicate header, case-insensitively', () => {
    expect(configErrorOf(() => parsePrometheusHeaders('A: 1\na: 2', where))).toBe(
      'input `prometheus-headers`: header "a" is given twice.'
    );
  });
  test('a bad header name', () => {
    expect(configErrorOf(() => parsePrometheusHeaders('{"Bad Name": "x"}', where))).toMatch(
      /expected header names/
    );
  });
});

describe('secrets', () => {
  const secretInputs = {
    ...BASE_INPUTS,
    'prometheus-url': 'https://reader:p%40ss@prom.example.com',
    'prometheus-headers': 'Authorization: Bearer abc\nX-Scope-OrgID: tenant-1',
    'github-token': 'ghs_123',
    'slack-webhook-url': 'https://hooks.slack.com/services/T/B/X',
    'webhook-url': 'https://example.com/hook?token=1'
  };

  test('secretValues lists header values, the URL password, token and webhook URLs', () => {
    const spec = readRolloutSpec(inputs(secretInputs), { cwd: ws.dir, env: {} });
    expect(secretValues(spec).sort()).toEqual(
      [
        'Bearer abc',
        'tenant-1',
        'p@ss',
        'ghs_123',
        'https://hooks.slack.com/services/T/B/X',
        'https://example.com/hook?token=1'
      ].sort()
    );
  });

  test('secretInputValues works on raw inputs, even when they do not parse', () => {
    const values = secretInputValues(
      inputs({ ...secretInputs, 'prometheus-headers': 'Authorization Bearer abc' })
    );
    expect(values).toContain('Authorization Bearer abc');
    expect(values).toContain('ghs_123');
    expect(values).toContain('p@ss');
  });

  test('a spec without secrets has nothing to mask', () => {
    const spec = readRolloutSpec(inputs(BASE_INPUTS), { cwd: ws.dir, env: {} });
    expect(secretValues(spec)).toEqual([]);
  });
});
