// Latency thresholds in milliseconds: `1000ms`, `1s`, `1.5s`, or a bare `1000` (milliseconds).
import { expectedError } from './errors.js';

const LATENCY = /^(\d+(?:\.\d+)?)(ms|s)?$/;

export function parseLatencyMs(text: string, where: string): number {
  const match = LATENCY.exec(text.trim());
  const expected = 'a latency like 1000ms, 1s or 1000 (milliseconds), greater than zero';
  if (!match) throw expectedError(where, expected, text);
  const ms = match[2] === 's' ? Number(match[1]) * 1000 : Number(match[1]);
  if (ms <= 0) throw expectedError(where, expected, text);
  return Math.round(ms * 1000) / 1000;
}
