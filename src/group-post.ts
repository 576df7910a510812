// The post step for a release group: when the main step was cancelled or killed, finish every
// member (rollout/interrupted.ts, dependents first) so no canary of the group is left, then decide
// the group's record from what the members became.
import * as core from '@actions/core';
import { readReleaseGroup } from './config/group.js';
import { secretInputValues, secretValues } from './config/index.js';
import { createMasker } from './mask.js';
import { savedCheckRunId } from './report/index.js';
import { setRolloutOutputs } from './report/outputs.js';
import { STATE_KEYS } from './state.js';
import { readRecord } from './record-file.js';
import { systemClock } from './clock.js';
import { errorMessage } from './error-message.js';
import { groupAdapters, writeGroupRecord } from './group-main.js';
import { failStepUnlessClean } from './action-step.js';
import { finishGroupInterrupted } from './rollout/group-interrupted.js';

export async function postGroup(phase: string): Promise<void> {
  try {
    const mask = createMasker();
    mask(secretInputValues((name) => core.getInput(name)));
    const group = readReleaseGroup((name) => core.getInput(name));
    for (const member of group.members) mask(secretValues(member.spec));
    const { members, reporter } = await groupAdapters(group, { checkRunId: savedCheckRunId() });
    const recordPath = core.getState(STATE_KEYS.recordPath) || group.reportPath;
    const finished = await finishGroupInterrupted(group, readRecord(recordPath), phase, {
      members,
      holder: process.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
      clock: systemClock,
      reporter,
      log: { info: core.info, warning: core.warning, error: core.error },
      persist: (r) => writeGroupRecord(recordPath, r)
    });
    setRolloutOutputs(finished, recordPath, reporter.checkRun());
    core.info(finished.reason ?? '');
    failStepUnlessClean(finished);
  } catch (error) {
    core.setFailed(`Post step: ${errorMessage(error)}`);
  }
}
