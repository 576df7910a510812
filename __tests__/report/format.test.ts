import {
  formatChange,
  formatCount,
  formatDuration,
  formatEValue,
  formatMs,
  formatPercent,
  isoSeconds
} from '../../src/format.js';
import { downsample, sparkline } from '../../src/report/sparkline.js';

test.each([
  [0, '0s'],
  [45, '45s'],
  [130, '2m10s'],
  [720, '12m'],
  [3900, '1h05m'],
  [7200, '2h'],
  [-3, '0s']
])('formatDuration(%p) = %p', (s, text) => expect(formatDuration(s)).toBe(text));

test.each([
  [0.041, '4.1%'],
  [0.004, '0.4%'],
  [0.0044, '0.44%'],
  [0.00012, '0.012%'],
  [1, '100%'],
  [0, '0%'],
  [0.125, '13%']
])('formatPercent(%p) = %p', (f, text) => expect(formatPercent(f)).toBe(text));

test('ms, counts, e-values, changes, timestamps', () => {
  expect(formatMs(87.4)).toBe('87 ms');
  expect(formatMs(1250)).toBe('1250 ms');
  expect(formatMs(4.25)).toBe('4.3 ms');
  expect(formatCount(1234567)).toBe('1,234,567');
  expect(formatCount(null)).toBe('–');
  expect(formatEValue(25.31)).toBe('25');
  expect(formatEValue(0.84)).toBe('0.84');
  expect(formatEValue(3.1e6)).toBe('3.1e+6');
  expect(formatEValue(Infinity)).toBe('∞');
  expect(formatChange(0.041, 0.004)).toBe('+925%');
  expect(formatChange(0.0304, 0.032)).toBe('-5%');
  expect(formatChange(0.01, 0)).toBe('new');
  expect(formatChange(null, 0.01)).toBe('–');
  expect(isoSeconds('2025-11-20T14:00:00.123Z')).toBe('2025-11-20T14:00:00Z');
});

test('sparkline maps the range onto eight bars and shows gaps', () => {
  expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
  expect(sparkline([1, null, 1])).toBe('▄·▄');
  expect(sparkline([null, null])).toBe('··');
  expect(sparkline([0, 0])).toBe('▁▁');
  // A shared scale keeps a low series low.
  expect(sparkline([1, 1], { min: 0, max: 7 })).toBe('▂▂');
});

test('downsample averages into at most the width and keeps all-null cells null', () => {
  const values = Array.from({ length: 100 }, (_, i) => (i < 50 ? null : i));
  const out = downsample(values, 10);
  expect(out).toHaveLength(10);
  expect(out.slice(0, 5)).toEqual([null, null, null, null, null]);
  expect(out[9]).toBe(94.5);
  expect(downsample([1, 2, 3], 10)).toEqual([1, 2, 3]);
});
