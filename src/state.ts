// What the main step saves for the post step (core.saveState), so that an interrupted rollout
// can be cleaned up even after the main process was killed.

export const STATE_KEYS = {
  phase: 'phase',
  recordPath: 'record-path',
  checkRunId: 'check-run-id'
} as const;

/** Phases the post step leaves alone: finished, paused on purpose, or nothing deployed yet. */
export function needsCleanup(phase: string | undefined): boolean {
  return !!phase && !['', 'validating', 'done', 'paused'].includes(phase);
}
