// Values that must never appear in logs: main.ts passes each to core.setSecret before it logs
// anything. `secretInputValues` works on raw inputs, so masking happens even when validation fails.
import { parsePrometheusHeaders, urlPassword } from './prometheus.js';
import type { RolloutSpec } from './spec.js';

export function secretValues(spec: RolloutSpec): string[] {
  return unique([
    ...Object.values(spec.prometheus.headers),
    urlPassword(spec.prometheus.url),
    spec.githubToken,
    spec.slackWebhookUrl,
    spec.webhookUrl
  ]);
}

export function secretInputValues(getInput: (name: string) => string): string[] {
  const headersText = getInput('prometheus-headers');
  let headerValues: string[] = [];
  try {
    headerValues = Object.values(parsePrometheusHeaders(headersText, 'input `prometheus-headers`'));
  } catch {
    // Unparseable headers: mask every line's value part, and the whole text, to be safe.
    headerValues = headersText.split(/\r?\n/).map((line) => line.slice(line.indexOf(':') + 1).trim());
    headerValues.push(headersText.trim());
  }
  return unique([
    ...headerValues,
    urlPassword(getInput('prometheus-url').trim()),
    getInput('github-token').trim(),
    getInput('slack-webhook-url').trim(),
    getInput('webhook-url').trim()
  ]);
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined && value.trim() !== ''))];
}
