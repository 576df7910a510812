// The lock on a canary: exactly one run drives it. Taken atomically by creating the canary release
// (`helm install` fails when the name exists), then confirmed by reading the marks back. Behind this
// small interface so the marks can move from chart values to an object the action owns (issue 12)
// without touching the engine.
import type { CanaryState, Deployer } from '../deploy/types.js';
import { heldBy } from './ownership.js';
import { errorMessage } from '../error-message.js';

export type LockResult = { acquired: true } | { acquired: false; reason: string; state: CanaryState };

/** The create failed and no canary exists: nothing was deployed (the caller reports the error). */
export class NothingDeployedError extends Error {
  constructor(readonly failure: unknown) {
    super(errorMessage(failure));
    this.name = 'NothingDeployedError';
  }
}

export interface CanaryLock {
  /** Create the canary at `weight` for the run named in `marks.holder`, or say who holds it. */
  acquire(weight: number, marks: Record<string, string>): Promise<LockResult>;
}

export function releaseLock(deployer: Deployer): CanaryLock {
  return {
    async acquire(weight, marks) {
      const holder = marks.holder;
      try {
        await deployer.installCanary(weight, marks);
      } catch (error) {
        const state = await deployer.canaryState();
        if (!state.exists) throw new NothingDeployedError(error);
        // Another run created it first: refuse, and leave its canary alone.
        if (state.marks?.holder !== holder) return { acquired: false, reason: heldBy(state), state };
        throw error; // our own install failed and left a release behind: the caller removes it
      }
      const state = await deployer.canaryState();
      if (state.marks?.holder !== holder) return { acquired: false, reason: heldBy(state), state };
      return { acquired: true };
    }
  };
}
