// The judge module's entry: pick a judge by name (the `judge` input).
import type { JudgeName } from '../config/spec.js';
import { SequentialJudge, ThresholdJudge } from './canary-judge.js';
import type { Judge } from './types.js';

export { SequentialJudge, ThresholdJudge } from './canary-judge.js';
export { histogramQuantile } from './quantile.js';
export type * from './types.js';

export function createJudge(name: JudgeName): Judge {
  switch (name) {
    case 'sequential':
      return new SequentialJudge();
    case 'threshold':
      return new ThresholdJudge();
    default:
      throw new Error(`judge: expected 'sequential' or 'threshold', got '${String(name)}'`);
  }
}
