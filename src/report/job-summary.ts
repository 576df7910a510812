// JobSummaryReporter: the check run's markdown on the workflow run's summary page, written once at
// the end (the summary file is appended to, so per-tick writes would repeat it). Works without any
// token, which makes it the report of last resort for fork pull requests.
import * as core from '@actions/core';
import type { RolloutRecord } from '../rollout/record.js';
import { renderCheckOutput, type RenderOptions } from './markdown.js';
import { defaultCheckName } from './request-body.js';
import type { Reporter } from './types.js';
import { markdownText } from './escape.js';
import { errorMessage } from '../error-message.js';

export interface JobSummaryOptions extends RenderOptions {
  name?: string;
}

/** The job summary's markdown: a heading with the title, the summary, and the tick log folded. */
export function renderJobSummary(record: RolloutRecord, options: JobSummaryOptions = {}): string {
  const { title, summary, text } = renderCheckOutput(record, options);
  const name = options.name || defaultCheckName(record.release);
  return [
    `## ${markdownText(name)}: ${markdownText(title)}`,
    '',
    summary,
    '<details><summary>Tick log</summary>',
    '',
    text,
    '</details>',
    ''
  ].join('\n');
}

export class JobSummaryReporter implements Reporter {
  private written = false;

  constructor(private readonly options: JobSummaryOptions = {}) {}

  async start(_record: RolloutRecord): Promise<void> {}

  async update(_record: RolloutRecord): Promise<void> {}

  async finish(record: RolloutRecord): Promise<void> {
    if (this.written) return;
    this.written = true;
    if (!process.env.GITHUB_STEP_SUMMARY) {
      core.info('No GITHUB_STEP_SUMMARY file: the job summary is skipped.');
      return;
    }
    try {
      await core.summary.addRaw(renderJobSummary(record, this.options)).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${errorMessage(error)}`);
    }
  }
}
