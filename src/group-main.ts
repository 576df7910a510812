// The main step for a release group (the `group` input): read and validate the group file, build
// each member's adapters, run the group engine, set the outputs. The single-release path is main.ts.
import * as core from '@actions/core';
import { context } from '@actions/github';
import { secretValues } from './config/index.js';
import { failStepUnlessClean, readConfigOrFail, withStopSignal } from './action-step.js';
import { readReleaseGroup } from './config/group.js';
import type { ReleaseGroup } from './config/spec.js';
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

export async function runGroupAction(): Promise<void> {
  const read = readConfigOrFail(() => readReleaseGroup((name) => core.getInput(name)));
  if (!read) return;
  const group: ReleaseGroup = read.config;
  for (const member of group.members) read.mask(secretValues(member.spec));

  await withStopSignal('group', async (signal) => {
    const { members, reporter } = await groupAdapters(group);
    core.saveState(STATE_KEYS.recordPath, group.reportPath);
    const persist = (record: RolloutRecord) => {
      // The post step reads the phase (and the check run id the reporter saves) if we get killed.
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
        signal,
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
  });
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
