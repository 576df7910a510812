// Running totals of "events out of events" per arm over the rollout, plus the canary's per-tick
// history its guard windows over. Errors (5xx / requests) and ratios (checkouts / sessions) share it.
import { addFraction, type Fraction, type WindowEntry } from './guards.js';

export class FractionTally {
  canary: Fraction = { num: 0, den: 0 };
  stable: Fraction = { num: 0, den: 0 };
  readonly history: Array<WindowEntry<Fraction>> = [];

  /** One tick's counts; an arm missing this tick is null and adds nothing. */
  add(at: number, canary: Fraction | null, stable: Fraction | null): void {
    if (canary) {
      this.canary = addFraction(this.canary, canary);
      this.history.push({ at, value: canary });
    }
    if (stable) this.stable = addFraction(this.stable, stable);
  }
}

/** num/den, or null without events. */
export function fractionValue(f: Fraction): number | null {
  return f.den > 0 ? f.num / f.den : null;
}
