// Entry logic of the post step (runs.post, post-if: always()). When the main step was cancelled or
// killed before the canary was promoted, rolled back or paused on purpose, remove the canary and
// complete the check run as cancelled. Inputs are available to the post step as they were to main.
import * as core from '@actions/core';
import { readRolloutSpec, secretInputValues, secretValues } from './config/index.js';
import { createMasker } from './mask.js';
import { createAdapters } from './wiring.js';
import { savedCheckRunId } from './report/index.js';
import { STATE_KEYS, needsCleanup } from './state.js';
import { readRecord, writeRecord } from './record-file.js';
import { addEvent, decide, newRecord } from './rollout/record-builder.js';
import { errorMessage } from './rollout/report-queue.js';
import type { RolloutRecord } from './rollout/record.js';

export async function post(): Promise<void> {
  const phase = core.getState(STATE_KEYS.phase);
  if (!needsCleanup(phase)) {
    core.info(
      phase
        ? `Canary finished in phase "${phase}": nothing to clean up.`
        : 'No rollout state: nothing to clean up.'
    );
    return;
  }
  try {
    const mask = createMasker();
    mask(secretInputValues((name) => core.getInput(name)));
    const spec = readRolloutSpec((name) => core.getInput(name));
    mask(secretValues(spec));
    const adapters = await createAdapters(spec, { checkRunId: savedCheckRunId() });
    const recordPath = core.getState(STATE_KEYS.recordPath) || spec.reportPath;
    const record = readRecord(recordPath) ?? newRecord(spec, new Date());
    const weight = record.currentWeight;
    const during = describeWhere(record, phase);
    core.warning(
      `The rollout was interrupted during ${during} at ${weight}%: removing ${spec.canaryRelease}`
    );
    try {
      await adapters.deployer.removeCanary();
      addEvent(
        record,
        new Date(),
        'canary-removed',
        `Post step removed ${spec.canaryRelease}; ${spec.release} untouched`
      );
      decide(
        record,
        'cancelled',
        `Cancelled at ${weight}% during ${during}; the post step removed ${spec.canaryRelease} and ${spec.release} was not touched.`,
        0,
        new Date()
      );
    } catch (error) {
      decide(
        record,
        'failed',
        `Cancelled at ${weight}% during ${during}, and removing ${spec.canaryRelease} failed: ${errorMessage(error)}. Run command: rollback.`,
        weight,
        new Date()
      );
      core.setFailed(record.reason ?? 'Removing the canary failed');
    }
    writeRecord(recordPath, record);
    await adapters.reporter.finish(record);
    core.info(record.reason ?? '');
  } catch (error) {
    core.setFailed(`Post step: ${errorMessage(error)}`);
  }
}

/** Where the rollout was when it stopped: the step it was in, or the phase that was saved. */
function describeWhere(record: RolloutRecord, phase: string): string {
  const step = record.stepRecords.at(-1);
  if (phase === 'interrupted' || phase === 'soaking' || phase === 'deploying') {
    return step ? `step ${step.index + 1} of ${record.steps.length}` : 'the first step';
  }
  return phase === 'promoting' ? 'the promotion' : phase === 'rolling-back' ? 'the rollback' : phase;
}
