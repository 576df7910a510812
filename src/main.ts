// Entry of the main step: read inputs, build the adapters, run the command, set outputs.
import * as core from '@actions/core';
import { readRolloutSpec, secretValues } from './config/index.js';
import type { RolloutSpec } from './config/spec.js';
import { systemClock } from './clock.js';
import { createAdapters } from './wiring.js';
import { runCommand } from './rollout/commands.js';
import type { RolloutRecord } from './rollout/record.js';
import { STATE_KEYS } from './state.js';
import { writeRecord } from './record-file.js';
import { setRolloutOutputs } from './report/outputs.js';
import { headSha, runInfoFromEnv } from './report/index.js';
import { context } from '@actions/github';
import { failStepUnlessClean, readConfigOrFail, withStopSignal } from './action-step.js';
import { isGroupRun } from './config/group.js';
import { runGroupAction } from './group-main.js';

export async function run(): Promise<void> {
  if (isGroupRun((name) => core.getInput(name))) return runGroupAction();
  const read = readConfigOrFail(() => readRolloutSpec((name) => core.getInput(name)));
  if (!read) return;
  const spec: RolloutSpec = read.config;
  read.mask(secretValues(spec));

  await withStopSignal('rollout', async (signal) => {
    const adapters = await createAdapters(spec);
    core.saveState(STATE_KEYS.recordPath, spec.reportPath);
    const persist = (record: RolloutRecord) => {
      // The post step reads the phase (and the check run id the reporter saves) if we get killed.
      core.saveState(STATE_KEYS.phase, record.phase);
      record.run ??= runInfoFromEnv(process.env, headSha(context));
      writeRecord(spec.reportPath, record);
    };
    const { record, status } = await runCommand(
      spec,
      {
        deployer: adapters.deployer,
        router: adapters.router,
        marks: adapters.marks,
        sampler: adapters.sampler,
        judge: adapters.judge,
        clock: systemClock,
        reporter: adapters.reporter,
        preflight: adapters.preflight,
        log: { info: core.info, warning: core.warning, error: core.error },
        signal,
        persist
      },
      {
        holder: process.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
        checkRunId: () => adapters.checkRun()?.id,
        adoptCheckRun: (id) => adapters.reporter.adoptCheckRun(id)
      }
    );
    persist(record);
    setRolloutOutputs(record, spec.reportPath, adapters.checkRun());
    if (status) {
      core.setOutput('status', status.status);
      core.setOutput('canary-version', status.version ?? '');
      core.setOutput('canary-weight', status.weight === undefined ? '' : String(status.weight));
      core.setOutput('canary-age-seconds', status.ageSeconds === undefined ? '' : String(status.ageSeconds));
    }
    failStepUnlessClean(record);
  });
}
