// AlertReporter: posts the outcome to a Slack incoming webhook and/or a generic JSON webhook on
// rollback, failure, pause and promotion. A failed post is a warning, never a failure, and the
// URLs (secrets: the token is in the path) never reach the log.
import * as core from '@actions/core';
import axios from 'axios';
import type { RolloutRecord } from '../rollout/record.js';
import { shouldAlert, slackMessage, webhookBody } from './alert-messages.js';
import type { Reporter } from './types.js';

export interface AlertOptions {
  slackWebhookUrl?: string;
  webhookUrl?: string;
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_ALERT_TIMEOUT_MS = 5_000;

export class AlertReporter implements Reporter {
  private sent = false;

  constructor(private readonly options: AlertOptions) {
    for (const url of [options.slackWebhookUrl, options.webhookUrl]) if (url) core.setSecret(url);
  }

  get enabled(): boolean {
    return !!(this.options.slackWebhookUrl || this.options.webhookUrl);
  }

  async start(_record: RolloutRecord): Promise<void> {}

  async update(_record: RolloutRecord): Promise<void> {}

  async finish(record: RolloutRecord): Promise<void> {
    if (this.sent || !shouldAlert(record)) return;
    this.sent = true;
    const now = (this.options.now ?? Date.now)();
    const posts: Array<Promise<void>> = [];
    if (this.options.slackWebhookUrl)
      posts.push(this.post('Slack alert', this.options.slackWebhookUrl, slackMessage(record)));
    if (this.options.webhookUrl)
      posts.push(this.post('Webhook alert', this.options.webhookUrl, webhookBody(record, now)));
    await Promise.all(posts);
  }

  private async post(what: string, url: string, body: unknown): Promise<void> {
    try {
      await axios.post(url, body, {
        timeout: this.options.timeoutMs ?? DEFAULT_ALERT_TIMEOUT_MS,
        headers: { 'content-type': 'application/json' },
        maxRedirects: 0
      });
      core.info(`${what} sent.`);
    } catch (error) {
      core.warning(`${what} was not delivered (${describe(error)}); the rollout is not affected.`);
    }
  }
}

/** Status or error code only: axios messages and configs can carry the secret URL. */
function describe(error: unknown): string {
  if (axios.isAxiosError(error)) {
    if (error.response) return `HTTP ${error.response.status}`;
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') return 'timed out';
    return error.code ?? 'network error';
  }
  return 'unexpected error';
}
