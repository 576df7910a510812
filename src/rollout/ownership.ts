// Ownership marks the action keeps on its own object beside the canary release (a Lease, see
// marks-store.ts), so that any later workflow run can read back who drives the canary, for which
// stable release, which version it runs, and whether it was paused on purpose. The lease is the
// lock: another run may not drive the release until it expires (lock.ts takes it atomically).
import type { CanaryState } from '../deploy/types.js';

/** `installing`: a first release, installed directly as stable (no canary). */
export type MarkPhase = 'soaking' | 'paused' | 'installing';

export interface Marks {
  version: string;
  holder: string;
  /** The stable release this canary belongs to: the action changes no release marked for another. */
  stableRelease: string;
  phase: MarkPhase;
  leaseUntil: string;
  startedAt: string;
  [key: string]: string;
}

export interface MarkInput {
  version: string;
  holder: string;
  stableRelease: string;
  phase: MarkPhase;
  now: number;
  leaseSeconds: number;
  startedAt: string;
  /** The run's check run id once it exists, so a later run can continue that check run. */
  checkRunId?: number;
}

export function makeMarks(input: MarkInput): Marks {
  return {
    ...(input.checkRunId ? { checkRunId: String(input.checkRunId) } : {}),
    version: input.version,
    holder: input.holder,
    stableRelease: input.stableRelease,
    phase: input.phase,
    leaseUntil: new Date(input.now + input.leaseSeconds * 1000).toISOString(),
    startedAt: input.startedAt
  };
}

/**
 * Why this action may not touch an existing release named as the canary, or undefined when it
 * carries this action's marks for `stableRelease`. A release without marks (another app, or a
 * canary made by hand) is never upgraded or removed.
 */
export function foreignRelease(
  state: CanaryState,
  canaryRelease: string,
  stableRelease: string
): string | undefined {
  if (!state.exists) return undefined;
  const marks = state.marks ?? {};
  if (!marks.holder || !marks.stableRelease) {
    return `release ${canaryRelease} exists but carries no canary-action marks, so it is not a canary of ${stableRelease}; choose another \`canary-release\``;
  }
  if (marks.stableRelease !== stableRelease) {
    return `release ${canaryRelease} is the canary of ${marks.stableRelease}, not of ${stableRelease}`;
  }
  return undefined;
}

/** Why `holder` may not drive this canary now, or undefined when it may. */
export function lockConflict(state: CanaryState, holder: string, now: number): string | undefined {
  const marks = state.marks ?? {};
  const other = marks.holder;
  if (!state.exists || !other || other === holder || marks.phase === 'paused') return undefined;
  const until = Date.parse(marks.leaseUntil ?? '');
  if (Number.isFinite(until) && until < now) return undefined;
  return heldBy(state);
}

/** "the canary is being driven by run 123 (lease until ...)". */
export function heldBy(state: CanaryState): string {
  const marks = state.marks ?? {};
  return `the canary is being driven by run ${marks.holder ?? '(unknown)'}${marks.leaseUntil ? ` (lease until ${marks.leaseUntil})` : ''}`;
}

/**
 * Where a deploy of the same version picks up: after a deliberate pause, the next step;
 * after a crash mid-soak, the step at the canary's current weight, soaked again from the start.
 */
export function resumeStepIndex(steps: number[], weight: number, paused: boolean): number {
  const index = steps.findIndex((step) => (paused ? step > weight : step >= weight));
  return index === -1 ? steps.length - 1 : index;
}
