// The weight ladder: `20`, `5,25,50,100`, or the same separated by spaces or newlines.
// Weights are whole percentages (ingress-nginx's canary-weight is an integer), strictly ascending.
import { expectedError } from './errors.js';

export function parseSteps(text: string, where: string): number[] {
  const tokens = text.split(/[\s,]+/).filter((token) => token !== '');
  if (tokens.length === 0) throw expectedError(where, 'at least one weight, e.g. 20 or 5,25,50,100', text);
  const steps: number[] = [];
  for (const token of tokens) {
    const digits = token.endsWith('%') ? token.slice(0, -1) : token;
    if (!/^\d+$/.test(digits)) {
      throw expectedError(
        where,
        `whole percentages separated by commas, e.g. 5,25,50,100 ("${token}" is not one)`,
        text
      );
    }
    const weight = Number(digits);
    if (weight < 1 || weight > 100) {
      throw expectedError(where, `every weight within 1..100 (${weight} is not)`, text);
    }
    const previous = steps[steps.length - 1];
    if (previous !== undefined && weight <= previous) {
      throw expectedError(
        where,
        `weights in strictly ascending order (${weight} comes after ${previous})`,
        text
      );
    }
    steps.push(weight);
  }
  return steps;
}
