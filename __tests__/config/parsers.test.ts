// Unit tests of the scalar parsers: durations, steps, fractions, latency, key=value lists.
import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration, parsePositiveDuration } from '../../src/config/durations.js';
import { parseFraction, parseOpenFraction } from '../../src/config/fractions.js';
import { parseKeyValues, parseWeightValues } from '../../src/config/key-values.js';
import { parseLatencyMs } from '../../src/config/latency.js';
import { parseSteps } from '../../src/config/steps.js';
import { parseBoolean, parseChoice, parseCount } from '../../src/config/choices.js';
import { configErrorOf } from './helpers.js';

describe('durations', () => {
  test.each([
    ['10m', 600],
    ['30s', 30],
    ['1h30m', 5400],
    ['90s', 90],
    ['500ms', 0.5],
    ['1m30s', 90],
    ['2h', 7200],
    ['1.5m', 90],
    ['1s500ms', 1.5],
    ['0', 0]
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text, 'input `soak`')).toBe(seconds);
  });

  test('`10 minutes` is refused with a message naming the input and the expected form', () => {
    expect(configErrorOf(() => parseDuration('10 minutes', 'input `soak`'))).toBe(
      'input `soak`: expected a duration like 10m, 30s, 1h30m or 500ms, got "10 minutes".'
    );
  });

  test.each(['600', '10', 'm', '10x', '30m1h', '1m1m', '-5s', ''])('%p is refused', (text) => {
    expect(configErrorOf(() => parseDuration(text, 'input `interval`'))).toMatch(
      /^input `interval`: expected a duration/
    );
  });

  test('zero is refused where a positive duration is needed', () => {
    expect(configErrorOf(() => parsePositiveDuration('0s', 'input `soak`'))).toMatch(/greater than zero/);
  });

  test('formats back the way users write them', () => {
    expect([formatDuration(600), formatDuration(5400), formatDuration(90), formatDuration(0.5)]).toEqual([
      '10m',
      '1h30m',
      '1m30s',
      '500ms'
    ]);
  });
});

describe('steps', () => {
  test.each([
    ['20', [20]],
    ['5,25,50,100', [5, 25, 50, 100]],
    ['5, 25, 50, 100', [5, 25, 50, 100]],
    ['5 25 50 100', [5, 25, 50, 100]],
    ['5\n25\n50\n100\n', [5, 25, 50, 100]],
    ['10%,50%', [10, 50]]
  ])('%p parses to %p', (text, steps) => {
    expect(parseSteps(text, 'input `steps`')).toEqual(steps);
  });

  test('not ascending', () => {
    expect(configErrorOf(() => parseSteps('5,50,25', 'input `steps`'))).toBe(
      'input `steps`: expected weights in strictly ascending order (25 comes after 50), got "5,50,25".'
    );
  });

  test('a repeated weight is not strictly ascending', () => {
    expect(configErrorOf(() => parseSteps('25,25', 'input `steps`'))).toMatch(
      /strictly ascending order \(25 comes after 25\)/
    );
  });

  test('step 0', () => {
    expect(configErrorOf(() => parseSteps('0,50', 'input `steps`'))).toBe(
      'input `steps`: expected every weight within 1..100 (0 is not), got "0,50".'
    );
  });

  test('step 150', () => {
    expect(configErrorOf(() => parseSteps('50,150', 'input `steps`'))).toBe(
      'input `steps`: expected every weight within 1..100 (150 is not), got "50,150".'
    );
  });

  test('a fractional or non-numeric weight', () => {
    expect(configErrorOf(() => parseSteps('2.5,50', 'input `steps`'))).toMatch(
      /whole percentages.*"2.5" is not one/
    );
    expect(configErrorOf(() => parseSteps('five', 'input `steps`'))).toMatch(/"five" is not one/);
  });
});

describe('fractions', () => {
  test.each([
    ['5%', 0.05],
    ['0.05', 0.05],
    ['7%', 0.07],
    ['0.5%', 0.005],
    ['100%', 1],
    ['.1', 0.1],
    ['0', 0]
  ])('%s is %d', (text, value) => {
    expect(parseFraction(text, 'input `max-error-rate`')).toBe(value);
  });

  test('a bare number above 1 is refused with a hint instead of guessed', () => {
    expect(configErrorOf(() => parseFraction('5', 'input `max-error-rate`'))).toBe(
      'input `max-error-rate`: expected a percentage like 5% or a fraction like 0.05 (a fraction is at most 1; did you mean 5%?), got "5".'
    );
  });

  test.each(['five percent', '5 %', '150%', '-1%', '%'])('%p is refused', (text) => {
    expect(configErrorOf(() => parseFraction(text, 'input `max-error-rate`'))).toMatch(
      /^input `max-error-rate`: expected a percentage/
    );
  });

  test('alpha must lie strictly between 0 and 1', () => {
    expect(parseOpenFraction('1%', 'input `alpha`')).toBe(0.01);
    expect(configErrorOf(() => parseOpenFraction('0', 'input `alpha`'))).toMatch(/strictly between 0 and 1/);
  });
});

describe('latency', () => {
  test.each([
    ['1000ms', 1000],
    ['1s', 1000],
    ['1000', 1000],
    ['1.5s', 1500],
    ['250ms', 250]
  ])('%s is %d ms', (text, ms) => {
    expect(parseLatencyMs(text, 'input `max-latency-p95`')).toBe(ms);
  });

  test.each(['1 second', '1m', '0', 'fast'])('%p is refused', (text) => {
    expect(configErrorOf(() => parseLatencyMs(text, 'input `max-latency-p95`'))).toMatch(
      /^input `max-latency-p95`: expected a latency like 1000ms, 1s or 1000/
    );
  });
});

describe('key=value lists', () => {
  test('one per line, with blank lines, comments and = in values', () => {
    expect(
      parseKeyValues(
        'replicaCount=3\n\n# comment\nenv.A=x=y\ningress.annotations.a\\.b/c=true\n',
        'input `set`'
      )
    ).toEqual([
      { key: 'replicaCount', value: '3' },
      { key: 'env.A', value: 'x=y' },
      { key: 'ingress.annotations.a\\.b/c', value: 'true' }
    ]);
  });

  test('a line without = names the input and the line', () => {
    expect(configErrorOf(() => parseKeyValues('a=1\nreplicaCount 3', 'input `set`'))).toBe(
      'input `set` line 2: expected key=value, one per line, got "replicaCount 3".'
    );
  });

  test('weight-values without {{weight}} are refused', () => {
    expect(configErrorOf(() => parseWeightValues('canary.weight=20', 'input `weight-values`'))).toMatch(
      /^input `weight-values`: expected key=value lines where at least one value contains \{\{weight\}\}/
    );
  });

  test('weight-values keep constant lines next to the weighted one', () => {
    expect(
      parseWeightValues('canary.enabled=true\ncanary.weight={{weight}}', 'input `weight-values`')
    ).toEqual([
      { key: 'canary.enabled', value: 'true' },
      { key: 'canary.weight', value: '{{weight}}' }
    ]);
  });

  test('an unknown placeholder in weight-values is named', () => {
    expect(
      configErrorOf(() => parseWeightValues('a={{weight}}\nb={{wieght}}', 'input `weight-values`'))
    ).toMatch(/unknown placeholder \{\{wieght\}\}/);
  });
});

describe('choices, booleans, counts', () => {
  test('a bad choice lists the allowed values', () => {
    expect(configErrorOf(() => parseChoice('bayes', 'input `judge`', ['sequential', 'threshold']))).toBe(
      'input `judge`: expected one of sequential, threshold, got "bayes".'
    );
  });
  test('booleans as YAML writes them', () => {
    expect([parseBoolean('true', 'x'), parseBoolean('FALSE', 'x')]).toEqual([true, false]);
    expect(configErrorOf(() => parseBoolean('yes', 'input `dry-run`'))).toBe(
      'input `dry-run`: expected true or false, got "yes".'
    );
  });
  test('counts', () => {
    expect(parseCount('50', 'x')).toBe(50);
    expect(configErrorOf(() => parseCount('-1', 'input `min-canary-requests`'))).toMatch(/a whole number/);
  });
});
