// The alert payloads: a Slack incoming-webhook message and a generic JSON body. Pure.
import type { Decision, RolloutRecord } from '../rollout/record.js';
import { isoSeconds } from '../format.js';
import { renderTitle } from './title.js';
import { slackText } from './escape.js';

/** Decisions that page someone or tell them a release went out. In-progress updates never alert. */
export const ALERT_DECISIONS: ReadonlySet<Decision> = new Set([
  'rolled-back',
  'failed',
  'paused',
  'promoted',
  'installed'
]);

export function shouldAlert(record: RolloutRecord): boolean {
  return record.decision !== undefined && ALERT_DECISIONS.has(record.decision);
}

export interface WebhookAlert {
  release: string;
  canaryRelease: string;
  namespace: string;
  version: string;
  previousVersion: string | null;
  decision: Decision;
  reason: string;
  finalWeight: number;
  runUrl: string | null;
  at: string;
  /** The check run's one-line title. */
  title: string;
}

export function webhookBody(record: RolloutRecord, now: number): WebhookAlert {
  return {
    release: record.release,
    canaryRelease: record.canaryRelease,
    namespace: record.namespace,
    version: record.version,
    previousVersion: record.previousVersion ?? null,
    decision: record.decision ?? 'none',
    reason: record.reason ?? '',
    finalWeight: record.finalWeight,
    runUrl: record.run?.url ?? null,
    at: isoSeconds(record.finishedAt ?? now),
    title: renderTitle(record)
  };
}

const EMOJI: Partial<Record<Decision, string>> = {
  promoted: ':white_check_mark:',
  'rolled-back': ':rotating_light:',
  failed: ':x:',
  paused: ':double_vertical_bar:',
  installed: ':new:'
};

const VERB: Partial<Record<Decision, string>> = {
  promoted: 'promoted',
  'rolled-back': 'rolled back',
  failed: 'failed',
  paused: 'paused for approval',
  installed: 'installed as the first release (not canaried)'
};

/** Slack mrkdwn treats &, < and > as control characters (kept under this name for callers). */
export const slackEscape = slackText;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export function slackMessage(record: RolloutRecord): SlackMessage {
  const decision = record.decision ?? 'none';
  const emoji = EMOJI[decision] ?? ':information_source:';
  const verb = VERB[decision] ?? decision;
  const title = renderTitle(record);
  const versions = record.previousVersion ? `${record.previousVersion} → ${record.version}` : record.version;
  const text = slackText(`${emoji} Canary ${record.release} ${record.version} ${verb}: ${title}`);
  const fields = [
    `*Release*\n\`${slackEscape(record.release)}\` in \`${slackEscape(record.namespace)}\``,
    `*Version*\n${slackEscape(versions)}`,
    `*Decision*\n${verb}`,
    `*Canary weight now*\n${record.finalWeight}%`
  ];
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`${emoji} *${slackEscape(title)}*`, 3000) }
    },
    { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: f })) }
  ];
  if (record.reason) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Reason*\n${slackEscape(record.reason)}`, 3000) }
    });
  }
  if (record.run?.url) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `<${record.run.url}|Workflow run> · check \`canary / ${slackEscape(record.release)}\``
        }
      ]
    });
  }
  return { text: clip(text, 3000), blocks };
}
