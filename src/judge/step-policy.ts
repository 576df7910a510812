// When may a step pass? Only when its soak is over AND it saw the minimum canary sample. Short of
// the sample, the soak extends up to StepContext.maxSoakSeconds; then the no-data policy decides.
import type { AnalysisSpec } from '../config/spec.js';
import type { TickObservation } from '../metrics/types.js';
import { formatCount, formatPercent } from './format.js';
import type { StepContext, VerdictAction } from './types.js';

export interface StepAssessment {
  action: VerdictAction;
  reason: string;
  warning?: string;
}

export class StepPolicy {
  private step: StepContext | null = null;
  private canaryRequests = 0;

  /** `strictPass`: the judge holds steps to its confidence sequences (see assess). */
  constructor(
    private readonly analysis: AnalysisSpec,
    private readonly strictPass = false
  ) {}

  startStep(step: StepContext): void {
    this.step = step;
    this.canaryRequests = 0;
  }

  observe(tick: TickObservation): void {
    if (!this.step || this.step.index !== tick.stepIndex) {
      // The engine did not announce this step: judge it with an open-ended soak.
      this.startStep({
        index: tick.stepIndex,
        weight: tick.weight,
        soakSeconds: Infinity,
        maxSoakSeconds: Infinity
      });
    }
    if (!tick.unavailable) this.canaryRequests += tick.requests.canary ?? 0;
  }

  /**
   * `unsettled`: titles of confidence sequences that do not yet exclude a drop beyond their margin
   * (empty unless `strictPass`). Like a short sample, they extend the soak, then the no-data policy decides.
   */
  assess(tick: TickObservation, unsettled: readonly string[] = []): StepAssessment {
    const step = this.step!;
    const min = this.analysis.minCanaryRequests;
    const soaked = tick.stepElapsedSeconds;
    const name = `step ${step.index + 1} at ${formatPercent(step.weight / 100)}`;
    const sample = `${formatCount(this.canaryRequests)} canary requests (minimum ${formatCount(min)})`;
    if (soaked < step.soakSeconds) {
      const lead = tick.unavailable ? `no sample this tick (${tick.unavailable}), nothing learnt; ` : '';
      return {
        action: 'continue',
        reason: `${lead}${name} soaking ${soaked} of ${step.soakSeconds} s, ${sample}`
      };
    }
    const enough = this.canaryRequests >= min;
    if (enough && unsettled.length === 0) {
      const strict = this.strictPass ? ', every confidence sequence clear of its margin' : '';
      return {
        action: 'pass',
        reason: `${name} passed: soaked ${soaked} s with ${sample}, nothing crossed${strict}`
      };
    }
    const lacking = enough
      ? `${unsettled.join(', ')} not yet clear of ${unsettled.length > 1 ? 'their margins' : 'its margin'} (strict pass)`
      : `only ${sample}`;
    if (soaked < step.maxSoakSeconds) {
      return {
        action: 'continue',
        reason: `${name} soak over but ${lacking}: extending up to ${step.maxSoakSeconds} s`
      };
    }
    const short = enough
      ? `${name}: ${lacking} after ${soaked} s`
      : `${name} saw only ${sample} after ${soaked} s`;
    if (this.analysis.noData === 'pass') {
      const warning = `${short}; passed because the no-data policy is 'pass'`;
      return { action: 'pass', reason: warning, warning };
    }
    return {
      action: 'rollback',
      reason: `${short}; the no-data policy is 'fail', so the canary is rolled back`
    };
  }
}
