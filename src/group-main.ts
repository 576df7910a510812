// The main step for a release group (the `group` input): read and validate the group file, build
// each member's adapters, run the group engine, set the outputs. The single-release path is main.ts.
import * as core from '@actions/core';
import { context } from '@actions/github';
import { secretInputValues, secretValues } from './config/index.js';
import { readReleaseGroup } from './config/group.js';
import type { ReleaseGroup } from './config/spec.js';
import { createMasker } from './mask.js';
import { createAdapters, type Adapters } from './wiring.js';
import { createReporter, headSha, runInfoFromEnv, type Reporting } from './report/index.js';
import { setRolloutOutputs } from './report/outputs.js';
import { releaseOutcomes } from './report/releases.js';
import { runGroup } from './rollout/group-engine.js';
import type { MemberPorts } from './rollout/group-run.js';
import type { RolloutRecord } from './rollout/record.js';
import { STATE_KEYS } from './state.js';
import { writeRecord } from './record-file.js';
import { systemClock } from './clock.js';
import { errorMessage } from './error-message.js';

export async function runGroupAction(): Promise<void> {
  const mask = createMasker();
  mask(secretInputValues((name) => core.getInput(name)));
  let group: ReleaseGroup;
  try {
    group = readReleaseGroup((name) => core.getInput(name));
  } catch (error) {
    // Nothing has touched the cluster yet: the whole file is validated before any adapter is built.
    core.setOutput('decision', 'failed');
    core.setFailed(errorMessage(error));
    return;
  }
  for (const member of group.members) mask(secretValues(member.spec));

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.warning(`Received ${signal}: stopping the group`);
    controller.abort(`Received ${signal}`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { members, reporter } = await groupAdapters(group);
    core.saveState(STATE_KEYS.recordPath, group.reportPath);
    const persist = (record: RolloutRecord) => {
      core.saveState(STATE_KEYS.phase, record.phase);
      writeGroupRecord(group.reportPath, record);
    };
    const record = await runGroup(
      group,
      {
        members,
        clock: systemClock,
        reporter,
        log: { info: core.info, warning: core.warning, error: core.error },
        signal: controller.signal,
        persist
      },
      {
        holder: process.env.GITHUB_RUN_ID ?? `local-${process.pid}`,
        checkRunId: () => reporter.checkRun()?.id
      }
    );
    persist(record);
    setRolloutOutputs(record, group.reportPath, reporter.checkRun());
    failStepUnlessClean(record);
  } catch (error) {
    core.setOutput('decision', 'failed');
    core.setFailed(errorMessage(error));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Each member's adapters (its Helm, router, lease, Prometheus queries, judge) and the group's one reporter. */
export async function groupAdapters(
  group: ReleaseGroup,
  saved: { checkRunId?: number } = {}
): Promise<{ members: MemberPorts[]; adapters: Adapters[]; reporter: Reporting }> {
  const adapters: Adapters[] = [];
  for (const member of group.members) adapters.push(await createAdapters(member.spec));
  const shared = group.members[0].spec;
  const reporter = createReporter({
    token: shared.githubToken,
    checkName: group.checkName,
    checkRunId: saved.checkRunId,
    slackWebhookUrl: shared.slackWebhookUrl,
    webhookUrl: shared.webhookUrl
  });
  const members = adapters.map((a) => ({
    deployer: a.deployer,
    router: a.router,
    marks: a.marks,
    sampler: a.sampler,
    judge: a.judge,
    preflight: a.preflight
  }));
  return { members, adapters, reporter };
}

/** The group's record with its `releases` (the same JSON as the output) and the run's links. */
export function writeGroupRecord(file: string, record: RolloutRecord): void {
  record.run ??= runInfoFromEnv(process.env, headSha(context));
  record.releases = releaseOutcomes(record);
  writeRecord(file, record);
}

/** As main.ts: a rollback, a failure or something left to do by hand fails the step. */
export function failStepUnlessClean(record: RolloutRecord): void {
  if (record.incomplete) {
    core.warning(record.incomplete, { title: `canary / ${record.release}: left to do` });
    process.exitCode = core.ExitCode.Failure;
  } else if (record.decision === 'rolled-back') {
    process.exitCode = core.ExitCode.Failure;
  } else if (record.decision === 'failed' || record.decision === 'refused') {
    core.setFailed(record.reason ?? `Canary ${record.decision}`);
  }
}
