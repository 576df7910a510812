import { foreignRelease, lockConflict, makeMarks, resumeStepIndex } from '../../src/rollout/ownership.js';

const now = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('ownership marks and the lock', () => {
  const marks = makeMarks({
    version: '2.0.0',
    holder: 'run-1',
    stableRelease: 'storefront',
    phase: 'soaking',
    now,
    leaseSeconds: 600,
    startedAt: new Date(now).toISOString()
  });

  it('calls a release without marks, or marked for another stable release, foreign', () => {
    expect(foreignRelease({ exists: true, marks: {} }, 'otherapp', 'storefront')).toMatch(
      /otherapp exists but carries no canary-action marks/
    );
    expect(
      foreignRelease({ exists: true, marks: { ...marks, stableRelease: 'cart' } }, 'x', 'storefront')
    ).toMatch(/canary of cart, not of storefront/);
    expect(foreignRelease({ exists: true, marks }, 'storefront-canary', 'storefront')).toBeUndefined();
    expect(foreignRelease({ exists: false }, 'storefront-canary', 'storefront')).toBeUndefined();
  });

  it('writes a lease that ends after the given seconds', () => {
    expect(marks.leaseUntil).toBe('2026-11-21T12:10:00.000Z');
  });

  it('refuses another run while the lease holds', () => {
    expect(lockConflict({ exists: true, marks }, 'run-2', now + 1000)).toMatch(/driven by run run-1/);
  });

  it('lets the same run (a re-run after a crash) take over', () => {
    expect(lockConflict({ exists: true, marks }, 'run-1', now)).toBeUndefined();
  });

  it('lets anyone continue a deliberately paused canary, or take over an expired lease', () => {
    expect(
      lockConflict({ exists: true, marks: { ...marks, phase: 'paused' } }, 'run-2', now)
    ).toBeUndefined();
    expect(lockConflict({ exists: true, marks }, 'run-2', now + 601_000)).toBeUndefined();
  });

  it('resumes a paused canary at the next step, and a crashed one at its current step', () => {
    expect(resumeStepIndex([10, 50, 100], 10, true)).toBe(1);
    expect(resumeStepIndex([10, 50, 100], 50, false)).toBe(1);
    expect(resumeStepIndex([10, 50, 100], 30, false)).toBe(1);
    expect(resumeStepIndex([5, 25], 100, false)).toBe(1);
  });
});
