// Rates and shares: `5%` or `0.05`, both meaning 0.05. A bare number above 1 is refused rather
// than guessed, because `5` could mean 5% or 500%.
import { expectedError } from './errors.js';

const NUMBER = /^\d+(?:\.\d+)?$|^\.\d+$/;

export function parseFraction(text: string, where: string): number {
  const trimmed = text.trim();
  const expected = 'a percentage like 5% or a fraction like 0.05';
  if (trimmed.endsWith('%')) {
    const digits = trimmed.slice(0, -1);
    if (!NUMBER.test(digits)) throw expectedError(where, expected, text);
    const percent = Number(digits);
    if (percent > 100) throw expectedError(where, `${expected}, at most 100%`, text);
    return round(percent / 100);
  }
  if (!NUMBER.test(trimmed)) throw expectedError(where, expected, text);
  const value = Number(trimmed);
  if (value > 1)
    throw expectedError(where, `${expected} (a fraction is at most 1; did you mean ${trimmed}%?)`, text);
  return value;
}

/** A fraction strictly between 0 and 1, e.g. alpha. */
export function parseOpenFraction(text: string, where: string): number {
  const value = parseFraction(text, where);
  if (value <= 0 || value >= 1)
    throw expectedError(where, 'a value strictly between 0 and 1, e.g. 0.05 or 5%', text);
  return value;
}

// 7% / 100 is 0.07000000000000001 in floating point; keep what the user wrote.
function round(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
