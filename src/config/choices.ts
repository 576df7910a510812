// Small scalar inputs: one-of choices, booleans (as YAML 1.2 core writes them, like core.getBooleanInput),
// and non-negative integers.
import { expectedError } from './errors.js';

export function parseChoice<T extends string>(text: string, where: string, allowed: readonly T[]): T {
  const value = text.trim();
  if (!(allowed as readonly string[]).includes(value)) {
    throw expectedError(where, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function parseBoolean(text: string, where: string): boolean {
  const value = text.trim();
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw expectedError(where, 'true or false', value);
}

export function parseCount(text: string, where: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value)) throw expectedError(where, 'a whole number, 0 or more', value);
  return Number(value);
}
