// Ownership marks the action writes onto the canary release through Helm, so that any later
// workflow run can read back who drives the canary, which version it runs, and whether it was
// paused on purpose. The lease is the lock: another run may not drive the release until it expires.
import type { CanaryState } from '../deploy/types.js';

export type MarkPhase = 'soaking' | 'paused';

export interface Marks {
  version: string;
  holder: string;
  phase: MarkPhase;
  leaseUntil: string;
  startedAt: string;
  [key: string]: string;
}

export function makeMarks(
  version: string,
  holder: string,
  phase: MarkPhase,
  now: number,
  leaseSeconds: number,
  startedAt: string
): Marks {
  return {
    version,
    holder,
    phase,
    leaseUntil: new Date(now + leaseSeconds * 1000).toISOString(),
    startedAt
  };
}

/** Why `holder` may not drive this canary now, or undefined when it may. */
export function lockConflict(state: CanaryState, holder: string, now: number): string | undefined {
  const marks = state.marks ?? {};
  const other = marks.holder;
  if (!state.exists || !other || other === holder || marks.phase === 'paused') return undefined;
  const until = Date.parse(marks.leaseUntil ?? '');
  if (Number.isFinite(until) && until < now) return undefined;
  return `the canary is being driven by run ${other}${marks.leaseUntil ? ` (lease until ${marks.leaseUntil})` : ''}`;
}

/**
 * Where a deploy of the same version picks up: after a deliberate pause, the next step;
 * after a crash mid-soak, the step at the canary's current weight, soaked again from the start.
 */
export function resumeStepIndex(steps: number[], weight: number, paused: boolean): number {
  const index = steps.findIndex((step) => (paused ? step > weight : step >= weight));
  return index === -1 ? steps.length - 1 : index;
}
