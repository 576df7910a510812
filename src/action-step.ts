// What the main step does the same way for one release (main.ts) and for a group (group-main.ts):
// read the configuration with the secrets masked first, turn the runner's signals into an abort,
// and fail the step the way the decision calls for.
import * as core from '@actions/core';
import { secretInputValues } from './config/index.js';
import { createMasker } from './mask.js';
import { errorMessage } from './error-message.js';
import type { RolloutRecord } from './rollout/record.js';

/**
 * Masks the raw secret inputs (so even a validation error cannot echo one), then reads the
 * configuration; on a problem sets `decision: failed`, fails the step and returns undefined.
 */
export function readConfigOrFail<T>(
  read: () => T
): { config: T; mask: (values: string[]) => void } | undefined {
  const mask = createMasker();
  mask(secretInputValues((name) => core.getInput(name)));
  try {
    return { config: read(), mask };
  } catch (error) {
    // Nothing has touched the cluster yet: validation runs before any adapter is built.
    core.setOutput('decision', 'failed');
    core.setFailed(errorMessage(error));
    return undefined;
  }
}

/** Runs `work` with SIGINT/SIGTERM as an abort signal; an error escaping it fails the step. */
export async function withStopSignal(
  what: string,
  work: (signal: AbortSignal) => Promise<void>
): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.warning(`Received ${signal}: stopping the ${what}`);
    controller.abort(`Received ${signal}`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await work(controller.signal);
  } catch (error) {
    core.setOutput('decision', 'failed');
    core.setFailed(errorMessage(error));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** A rollback, a failure, a refusal or something left to do by hand fails the step. */
export function failStepUnlessClean(record: RolloutRecord): void {
  if (record.incomplete) {
    // The decision stands (e.g. stable was promoted), but something is left to do by hand.
    core.warning(record.incomplete, { title: `canary / ${record.release}: left to do` });
    process.exitCode = core.ExitCode.Failure;
  } else if (record.decision === 'rolled-back') {
    // The reporter already wrote the error annotation on the workflow step; just fail the step.
    process.exitCode = core.ExitCode.Failure;
  } else if (record.decision === 'failed' || record.decision === 'refused') {
    core.setFailed(record.reason ?? `Canary ${record.decision}`);
  }
}
