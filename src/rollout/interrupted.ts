// What the post step does with a rollout the runner interrupted (cancelled or killed) before its
// record was finished: read both releases back and finish through outcomes.ts with what is true.
//   - The judge had decided (the record carries a pending decision): that decision stands; the
//     canary is removed and the judge's reason reported.
//   - Stopped during the promotion: once stable runs the new version, the promotion is finished
//     (canary removed, promoted); otherwise the canary is removed and stable's real state is said.
//   - Stopped during a first release: stable read back; installed if it is deployed at the version.
//   - Otherwise: the canary is removed, cancelled.
// A canary this run does not own (no lease with marks for this stable release, or another run's
// lease) is left alone.
import type { RolloutSpec } from '../config/spec.js';
import type { ReleaseState } from '../deploy/types.js';
import { errorMessage } from '../error-message.js';
import { finishRecord, readBack, stableSentence, type OutcomeDeps } from './outcomes.js';
import { foreignRelease, heldBy } from './ownership.js';
import type { RolloutRecord } from './record.js';

/** How often the post step looks at a stable release that Helm still shows as pending. */
const SETTLE_POLL_MS = 2_000;

export async function finishInterrupted(
  spec: RolloutSpec,
  record: RolloutRecord,
  phase: string,
  holder: string,
  deps: OutcomeDeps
): Promise<RolloutRecord> {
  const where = describeWhere(record, phase);
  const weight = record.currentWeight;
  deps.log.warning(`The rollout was interrupted during ${where} at ${weight}%: finishing it`);

  const canary = await deps.deployer.canaryState();
  const marks = await deps.lock?.read();
  if (canary.exists || marks) {
    const foreign = canary.exists
      ? foreignRelease({ ...canary, marks: marks ?? {} }, spec.canaryRelease, spec.release)
      : undefined;
    const other = marks?.holder !== holder ? heldBy({ exists: true, marks }) : undefined;
    if (foreign || other) {
      return finishRecord(
        record,
        {
          decision: 'cancelled',
          reason: `Cancelled during ${where}; ${spec.canaryRelease} was left alone: ${foreign ?? other}.`,
          finalWeight: 0
        },
        deps
      );
    }
  }

  // The main step ran as this same workflow run: what it held, the post step holds.
  deps.lock?.adopt(holder);

  if (phase === 'installing') {
    await settledStable(deps, spec.helmTimeoutSeconds);
    return finishRecord(
      record,
      {
        decision: 'installed',
        firstRelease: true,
        otherwise: 'cancelled',
        reason: `The run was interrupted during the first release of ${spec.release} ${record.version}; the post step read it back`
      },
      deps
    );
  }

  if (record.pending) {
    // The verdict was in and only its removal was cut short: it stands.
    return finishRecord(
      record,
      { decision: removing(record.pending.decision), reason: record.pending.reason, removeCanary: true },
      deps
    );
  }

  if (phase === 'promoting') {
    const stable = await settledStable(deps, spec.helmTimeoutSeconds);
    const seen = await readBack(deps);
    if (stable.status === 'deployed' && stable.version === record.version) {
      return finishRecord(
        record,
        {
          decision: 'promoted',
          reason: `The run was interrupted during the promotion after ${spec.release} was upgraded; the post step finished it.`,
          removeCanary: true
        },
        deps
      );
    }
    return finishRecord(
      record,
      {
        decision: 'cancelled',
        reason: `Cancelled during the promotion of ${record.version}, before ${stableSentence(spec.release, seen, false)} took it.`,
        removeCanary: true
      },
      deps
    );
  }

  return finishRecord(
    record,
    { decision: 'cancelled', reason: `Cancelled at ${weight}% during ${where}.`, removeCanary: true },
    deps
  );
}

function removing(decision: string): 'promoted' | 'rolled-back' | 'failed' | 'cancelled' {
  return decision === 'promoted' || decision === 'rolled-back' || decision === 'failed'
    ? decision
    : 'cancelled';
}

/** Stable's state once Helm no longer shows an operation in progress (or when the wait is over). */
async function settledStable(deps: OutcomeDeps, timeoutSeconds: number): Promise<ReleaseState> {
  const until = deps.clock.now() + timeoutSeconds * 1000;
  for (;;) {
    let state: ReleaseState;
    try {
      state = await deps.deployer.stableState();
    } catch (error) {
      deps.log.warning(`Could not read the stable release back: ${errorMessage(error)}`);
      return { exists: false };
    }
    if (!/^pending-/.test(state.status ?? '') || deps.clock.now() >= until) return state;
    deps.log.info(`Stable is ${state.status}; waiting for Helm to finish it`);
    await deps.clock.sleep(SETTLE_POLL_MS);
  }
}

/** Where the rollout was when it stopped: the step it was in, or the phase that was saved. */
export function describeWhere(record: RolloutRecord, phase: string): string {
  const step = record.stepRecords.at(-1);
  if (phase === 'interrupted' || phase === 'soaking' || phase === 'deploying') {
    return step ? `step ${step.index + 1} of ${record.steps.length}` : 'the first step';
  }
  if (phase === 'installing') return 'the first release';
  return phase === 'promoting' ? 'the promotion' : phase === 'rolling-back' ? 'the rollback' : phase;
}
