// From per-run rollback times to the contract's figures per judge.
import { hasRegression, type Scenario } from './scenario.js';
import type { JudgeId } from './simulate.js';

export interface JudgeResult {
  detectedFraction: number | null;
  medianDetectSeconds: number | null;
  p90DetectSeconds: number | null;
  falseRollbackRate: number | null;
  excessBadRequests: number | null;
}

export interface ScenarioResult {
  name: string;
  waldBoundSeconds: number | null;
  judges: Record<JudgeId, JudgeResult>;
}

/**
 * Nearest-rank quantile of detection times, a run that never rolled back counting as +Infinity:
 * a median is reported only when more than half the runs were caught (null otherwise).
 */
export function censoredQuantile(times: readonly number[], q: number): number | null {
  if (times.length === 0) return null;
  const sorted = times.map((t) => (Number.isNaN(t) ? Infinity : t)).sort((a, b) => a - b);
  const value = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return Number.isFinite(value) ? value : null;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function summarizeJudge(
  s: Scenario,
  detect: readonly number[],
  excess: readonly number[]
): JudgeResult {
  const runs = detect.length;
  const rolledBack = detect.filter((t) => !Number.isNaN(t)).length;
  if (!hasRegression(s)) {
    return {
      detectedFraction: null,
      medianDetectSeconds: null,
      p90DetectSeconds: null,
      falseRollbackRate: round(rolledBack / runs, 4),
      excessBadRequests: null
    };
  }
  const errorRegression = s.errors.canary > s.errors.stable;
  return {
    detectedFraction: round(rolledBack / runs, 4),
    medianDetectSeconds: censoredQuantile(detect, 0.5),
    p90DetectSeconds: censoredQuantile(detect, 0.9),
    falseRollbackRate: null,
    excessBadRequests: errorRegression ? round(excess.reduce((a, b) => a + b, 0) / runs, 1) : null
  };
}
