// Judge port: the engine feeds it one TickObservation at a time and acts on its Verdict.
import type { AnalysisSpec, MetricSpec } from '../config/spec.js';
import type { ArmObservation, TickObservation } from '../metrics/types.js';

export interface StepContext {
  index: number;
  weight: number;
  soakSeconds: number;
  /** Soak may extend up to soakSeconds + maxExtraSoakSeconds waiting for the minimum sample. */
  maxSoakSeconds: number;
}

/** One step the rollout plans to soak: the canary's share of requests (0..1) and the soak's length. */
export interface PlannedStep {
  weight: number;
  seconds: number;
}

/** Cumulative stable-arm counters read before the canary exists (e.g. to fix latency bounds). */
export interface Baseline {
  stable: Record<string, ArmObservation | null>;
}

export type VerdictAction = 'continue' | 'pass' | 'rollback';
export type MetricStatus = 'ok' | 'pass' | 'warn' | 'fail' | 'no-data';

export interface MetricEvidence {
  metric: string;
  title: string;
  kind: MetricSpec['kind'] | 'traffic';
  /** How to show canary/stable: a fraction (shown as %), milliseconds, or a plain count. */
  unit: 'fraction' | 'ms' | 'count';
  /** The metric over the rollout so far (error rate, p95, conversion); null when no data. */
  canary: number | null;
  stable: number | null;
  /** Events behind the figures (requests, sessions). */
  canaryEvents: number;
  stableEvents: number;
  /** Statistical evidence, when the judge computes it. */
  eValue?: number;
  eThreshold?: number;
  /**
   * Errors metrics: the smallest canary/stable ratio the rollout's plan can confirm at the traffic
   * seen (docs/judge.md); a smaller regression is unlikely to be caught before the plan ends.
   */
  smallestDetectableRatio?: number;
  /** Confidence bounds on canary/stable (ratio metrics). */
  lower?: number;
  upper?: number;
  /** Static guard on the canary alone. */
  guard?: { limit: number; comparator: '<=' | '>='; breached: boolean };
  status: MetricStatus;
  /** One human sentence, e.g. "5xx rate 4.1% on canary vs 0.4% on stable: e-value 25 crossed 20". */
  sentence: string;
}

export interface Verdict {
  action: VerdictAction;
  /** One sentence: why this action (the failing metric's sentence on rollback). */
  reason: string;
  /** Soft signal for hybrid mode: set when something looks off but nothing crossed. */
  warning?: string;
  metrics: MetricEvidence[];
}

export interface Judge {
  readonly name: string;
  /** `plan`: the steps still to soak, in order (the errors test bets on what they can confirm). */
  begin(analysis: AnalysisSpec, baseline: Baseline, plan?: readonly PlannedStep[]): void;
  startStep(step: StepContext): void;
  /** Called once per tick, in order. Must never throw on missing data: report it instead. */
  evaluate(tick: TickObservation): Verdict;
}
