// Durations such as `10m`, `30s`, `1h30m`, `90s`, `500ms`, in seconds. Units are required (a bare
// `600` is ambiguous; only `0` may go without) and must come largest first, each at most once, as Go and Helm write them.
import { expectedError } from './errors.js';

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
const UNIT_ORDER = ['h', 'm', 's', 'ms'];
// `ms` is listed before `m` so that `500ms` is not read as 500 minutes followed by junk.
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

const EXPECTED = 'a duration like 10m, 30s, 1h30m or 500ms';

export function parseDuration(text: string, where: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw expectedError(where, EXPECTED, text);
  if (trimmed === '0') return 0; // zero needs no unit
  PART.lastIndex = 0;
  let seconds = 0;
  let lastUnit = -1;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    if (!match) throw expectedError(where, EXPECTED, text);
    const unitIndex = UNIT_ORDER.indexOf(match[2]);
    if (unitIndex <= lastUnit)
      throw expectedError(where, `${EXPECTED} (units largest first, each once)`, text);
    lastUnit = unitIndex;
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]];
  }
  // Avoid 0.1 + 0.2 style noise from the ms part.
  return Math.round(seconds * 1000) / 1000;
}

/** A duration that must be > 0 (soak, interval, timeouts). */
export function parsePositiveDuration(text: string, where: string): number {
  const seconds = parseDuration(text, where);
  if (seconds <= 0) throw expectedError(where, `${EXPECTED}, greater than zero`, text);
  return seconds;
}

/** The longest soak, interval or extra soak of one step: a day. Longer is a typo, not a plan. */
export const MAX_STEP_SECONDS = 24 * 3600;

/** A per-step duration: positive (unless `allowZero`) and at most MAX_STEP_SECONDS. */
export function parseStepDuration(text: string, where: string, allowZero = false): number {
  const seconds = allowZero ? parseDuration(text, where) : parsePositiveDuration(text, where);
  if (seconds > MAX_STEP_SECONDS) throw expectedError(where, `${EXPECTED}, at most 24h`, text);
  return seconds;
}

export { formatDuration } from '../format.js';
