// Entry of the post step (runs.post, post-if: always()). When the main step was cancelled or
// killed before its record was finished, finish it (rollout/interrupted.ts): read both releases
// back, carry out what was decided or remove the canary, and report what is true on every path.
// Inputs are available to the post step as they were to main.
import * as core from '@actions/core';
import { readRolloutSpec, secretInputValues, secretValues } from './config/index.js';
import { createMasker } from './mask.js';
import { createAdapters } from './wiring.js';
import { savedCheckRunId } from './report/index.js';
import { setRolloutOutputs } from './report/outputs.js';
import { STATE_KEYS, needsCleanup } from './state.js';
import { readRecord, writeRecord } from './record-file.js';
import { newRecord } from './rollout/record-builder.js';
import { finishInterrupted } from './rollout/interrupted.js';
import { errorMessage } from './error-message.js';
import { systemClock } from './clock.js';
import { CanaryLease } from './rollout/lock.js';
import { isGroupRun } from './config/group.js';
import { postGroup } from './group-post.js';

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
  if (isGroupRun((name) => core.getInput(name))) return postGroup(phase);
  try {
    const mask = createMasker();
    mask(secretInputValues((name) => core.getInput(name)));
    const spec = readRolloutSpec((name) => core.getInput(name));
    mask(secretValues(spec));
    const adapters = await createAdapters(spec, { checkRunId: savedCheckRunId() });
    const recordPath = core.getState(STATE_KEYS.recordPath) || spec.reportPath;
    const record = readRecord(recordPath) ?? newRecord(spec, new Date());
    const log = { info: core.info, warning: core.warning, error: core.error };
    const finished = await finishInterrupted(
      spec,
      record,
      phase,
      process.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
      {
        deployer: adapters.deployer,
        router: adapters.router,
        clock: systemClock,
        lock: new CanaryLease(adapters.marks, adapters.deployer, () => systemClock.now()),
        log,
        persist: (r) => writeRecord(recordPath, r),
        report: (r) =>
          adapters.reporter.finish(r).catch((e) => log.warning(`Reporting failed: ${errorMessage(e)}`))
      }
    );
    setRolloutOutputs(finished, recordPath, adapters.checkRun());
    core.info(finished.reason ?? '');
    if (finished.incomplete) {
      core.warning(finished.incomplete, { title: `canary / ${finished.release}: left to do` });
      process.exitCode = core.ExitCode.Failure;
    } else if (finished.decision === 'failed') {
      core.setFailed(finished.reason ?? 'The canary failed');
    }
  } catch (error) {
    core.setFailed(`Post step: ${errorMessage(error)}`);
  }
}
