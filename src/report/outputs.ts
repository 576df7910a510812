// The step outputs that describe the outcome; set once the rollout has decided.
import * as core from '@actions/core';
import type { RolloutRecord } from '../rollout/record.js';
import type { CheckRunInfo } from './check-run.js';
import { releaseOutcomes } from './releases.js';

export function setRolloutOutputs(record: RolloutRecord, reportPath: string, checkRun?: CheckRunInfo): void {
  core.setOutput('decision', record.decision ?? '');
  core.setOutput('reason', record.reason ?? '');
  core.setOutput('final-weight', String(record.finalWeight));
  core.setOutput('report', reportPath);
  core.setOutput('previous-version', record.previousVersion ?? '');
  core.setOutput(
    'previous-revision',
    record.previousRevision === undefined ? '' : String(record.previousRevision)
  );
  core.setOutput('releases', JSON.stringify(releaseOutcomes(record)));
  setCheckRunOutputs(checkRun);
}

/** Also called as soon as the check run exists, so the outputs are there even if the step dies. */
export function setCheckRunOutputs(checkRun: CheckRunInfo | undefined): void {
  core.setOutput('check-run-id', checkRun ? String(checkRun.id) : '');
  core.setOutput('check-run-url', checkRun?.url ?? '');
}
