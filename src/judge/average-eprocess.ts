// A weighted average of count e-processes fed the same ticks. Each part is a test supermartingale
// for the same filtration, so the average is one too (linearity of conditional expectation), and
// Ville's inequality applies to it: a mixture of a grid mixture and a plug-in stays valid.
import { isInformative, type CountTest } from './count-eprocess.js';
import { logSumExp } from './math.js';

export class AverageEProcess implements CountTest {
  private readonly logWeights: number[];
  private readonly terms: number[];

  constructor(
    readonly parts: readonly CountTest[],
    weights: readonly number[]
  ) {
    if (parts.length === 0 || weights.length !== parts.length)
      throw new Error('AverageEProcess: one weight per part, at least one part');
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0) || weights.some((w) => !(w >= 0)))
      throw new Error('AverageEProcess: weights must be non-negative and not all zero');
    this.logWeights = weights.map((w) => Math.log(w / total));
    this.terms = parts.map(() => 0);
  }

  update(badCanary: number, badStable: number, theta0: number): boolean {
    if (!isInformative(badCanary, badStable, theta0)) return false;
    for (const part of this.parts) part.update(badCanary, badStable, theta0);
    return true;
  }

  get logEValue(): number {
    for (let i = 0; i < this.parts.length; i++) this.terms[i] = this.logWeights[i] + this.parts[i].logEValue;
    return logSumExp(this.terms);
  }

  get eValue(): number {
    return Math.exp(this.logEValue);
  }
}
