// The reporting side of the action: createReporter() builds every enabled reporter (check run,
// job summary, log annotation, alerts) behind one Reporter, and gives the post step what it needs
// to complete an interrupted rollout's check run as cancelled.
import * as core from '@actions/core';
import { context as githubContext, getOctokit } from '@actions/github';
import { retry as retryPlugin } from '@octokit/plugin-retry';
import { STATE_KEYS } from '../state.js';
import { AlertReporter } from './alerts.js';
import { workflowPathFromRef, type StepLocation } from './annotations.js';
import { CheckRunReporter, type CheckRunContext, type CheckRunInfo, type ChecksClient } from './check-run.js';
import {
  FanOutReporter,
  DEFAULT_FAN_OUT_TIMEOUTS,
  type FanOutTimeouts,
  type NamedReporter
} from './fan-out.js';
import { JobSummaryReporter } from './job-summary.js';
import { LogAnnotationReporter } from './log-annotation.js';
import { setCheckRunOutputs } from './outputs.js';
import type { Reporter } from './types.js';
import { runInfoFromEnv, withRunInfo } from './run-info.js';
import { locateWorkflowStep } from './workflow-location.js';
import { headSha } from './head-sha.js';

export interface ReportingOptions {
  /** Token for the check run (`github-token`); without one there is no check run. */
  token?: string;
  /** Check name; default `canary / <release>`. */
  checkName?: string;
  /** Resume this check run instead of creating one (the post step, from core.getState). */
  checkRunId?: number;
  slackWebhookUrl?: string;
  webhookUrl?: string;
  /** Write the job summary at the end (default true). */
  jobSummary?: boolean;
  /** For tests and other hosts: replaces getOctokit(token) and @actions/github's context. */
  octokit?: ChecksClient;
  context?: CheckRunContext;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  timeouts?: Partial<FanOutTimeouts>;
  alertTimeoutMs?: number;
  updateIntervalMs?: number;
}

export interface Reporting extends Reporter {
  /** The check run, once created or resumed; undefined without one. */
  checkRun(): CheckRunInfo | undefined;
  /** Continue a check run an earlier, interrupted run left in progress, instead of creating one. */
  adoptCheckRun(id: number): void;
  /** The reporters in use, by name (for logs and tests). */
  readonly names: string[];
}

/** The state key under which the check run id is saved for the post step. */
export const CHECK_RUN_STATE_KEY = STATE_KEYS.checkRunId;

export function createReporter(options: ReportingOptions): Reporting {
  const env = options.env ?? process.env;
  const location: StepLocation | undefined = locateWorkflowStep(env);
  const workflowFile = workflowPathFromRef(env.GITHUB_WORKFLOW_REF)?.split('/').pop();
  const reporters: NamedReporter[] = [];

  const context = options.context ?? githubContext;
  const run = runInfoFromEnv(env, headSha(context));
  let checkRun: CheckRunReporter | undefined;
  // Transient GitHub errors on updates are retried by @octokit/plugin-retry; creates opt out and
  // look before they try again (check-run.ts), so a 5xx that did create a run never makes two.
  const octokit =
    options.octokit ??
    (options.token ? getOctokit(options.token, { retry: { retries: 2 } }, retryPlugin) : undefined);
  if (octokit) {
    checkRun = new CheckRunReporter({
      octokit,
      context,
      name: options.checkName,
      checkRunId: options.checkRunId,
      stepLocation: location,
      workflowFile,
      now: options.now,
      sleep: options.sleep,
      updateIntervalMs: options.updateIntervalMs,
      onCreated: (info) => {
        core.saveState(CHECK_RUN_STATE_KEY, String(info.id));
        setCheckRunOutputs(info);
      }
    });
    reporters.push({ name: 'check run', reporter: checkRun });
  } else {
    core.info('No github-token: the canary check run is skipped; the report goes to the job summary.');
  }
  if (options.jobSummary !== false)
    reporters.push({
      name: 'job summary',
      reporter: new JobSummaryReporter({ name: options.checkName, workflowFile })
    });
  reporters.push({ name: 'log annotation', reporter: new LogAnnotationReporter(location) });
  const alerts = new AlertReporter({
    slackWebhookUrl: options.slackWebhookUrl,
    webhookUrl: options.webhookUrl,
    timeoutMs: options.alertTimeoutMs,
    now: options.now
  });
  if (alerts.enabled) reporters.push({ name: 'alert webhooks', reporter: alerts });

  const fanOut = new FanOutReporter(reporters, { ...DEFAULT_FAN_OUT_TIMEOUTS, ...options.timeouts });
  return {
    start: (record) => fanOut.start(withRunInfo(record, run)),
    update: (record) => fanOut.update(withRunInfo(record, run)),
    finish: (record) => fanOut.finish(withRunInfo(record, run)),
    checkRun: () => checkRun?.checkRun,
    adoptCheckRun: (id) => checkRun?.adopt(id),
    names: reporters.map((r) => r.name)
  };
}

/** The check run id the main step saved, for the post step's `createReporter({ checkRunId })`. */
export function savedCheckRunId(): number | undefined {
  const id = Number(core.getState(CHECK_RUN_STATE_KEY));
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

export type { CheckRunInfo, ChecksClient, CheckRunContext } from './check-run.js';
export { CheckRunReporter } from './check-run.js';
export { JobSummaryReporter, renderJobSummary } from './job-summary.js';
export { AlertReporter } from './alerts.js';
export { setRolloutOutputs, setCheckRunOutputs } from './outputs.js';
export { renderCheckOutput, renderSummary, renderText } from './markdown.js';
export { renderTitle } from './title.js';
export { createBody, updateBody, conclusionFor, defaultCheckName } from './request-body.js';
export { runInfoFromEnv, withRunInfo, type RunInfo } from './run-info.js';
export { headSha } from './head-sha.js';
