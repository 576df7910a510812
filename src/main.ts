// Entry of the main step: read inputs, build the adapters, run the command, set outputs.
import * as core from '@actions/core';
import { readRolloutSpec, secretInputValues, secretValues } from './config/index.js';
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
import { errorMessage } from './error-message.js';
import { createMasker } from './mask.js';
import { isGroupRun } from './config/group.js';
import { runGroupAction } from './group-main.js';

export async function run(): Promise<void> {
  if (isGroupRun((name) => core.getInput(name))) return runGroupAction();
  // Mask secrets from the raw inputs first, so even a validation error cannot echo one.
  const mask = createMasker();
  mask(secretInputValues((name) => core.getInput(name)));
  let spec: RolloutSpec;
  try {
    spec = readRolloutSpec((name) => core.getInput(name));
  } catch (error) {
    // Nothing has touched the cluster yet: validation runs before any adapter is built.
    core.setOutput('decision', 'failed');
    core.setFailed(errorMessage(error));
    return;
  }
  mask(secretValues(spec));

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.warning(`Received ${signal}: stopping the rollout`);
    controller.abort(`Received ${signal}`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
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
        signal: controller.signal,
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
  } catch (error) {
    core.setOutput('decision', 'failed');
    core.setFailed(errorMessage(error));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
