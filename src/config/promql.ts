// PromQL pieces the config builds or checks: metric and label names, string escaping, matcher lists,
// and the query templates users write. Templates carry `{{release}}`, `{{namespace}}` and the other arm
// placeholders (src/metrics/promql.ts); the metrics adapter substitutes them, escaped, per arm.
import { ARM_PLACEHOLDERS } from '../metrics/promql.js';
import { ConfigError, expectedError } from './errors.js';

export const RELEASE_PLACEHOLDER = '{{release}}';
export const NAMESPACE_PLACEHOLDER = '{{namespace}}';
export const PODS_PLACEHOLDER = '{{pods}}';
const PLACEHOLDERS = ARM_PLACEHOLDERS.map((name) => `{{${name}}}`);
/** Placeholders whose value differs between the arms: a query needs one, or both arms read the same series. */
const ARM_DISTINCT = PLACEHOLDERS.filter((p) => p !== NAMESPACE_PLACEHOLDER && p !== '{{ingress}}');

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = String.raw`\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*`;
const MATCHER_LIST = new RegExp(`^${MATCHER}(?:,${MATCHER})*,?\\s*$`);
// Functions that turn counters into rates or extrapolate: the judge needs raw counters.
const RATE_FUNCTIONS = /\b(rate|irate|increase|delta|idelta|deriv|histogram_quantile)\s*\(/;

export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

// One escaping rule for every value the project puts in a PromQL string: the metrics adapter's.
export { escapePromqlString } from '../metrics/promql.js';

/** `job="storefront", env!="dev"`: a comma-separated matcher list as written inside `{}`. */
export function parseMatcherList(text: string, where: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (!MATCHER_LIST.test(trimmed)) {
    throw expectedError(where, 'PromQL label matchers like job="storefront",env!="dev"', text);
  }
  // Split on commas outside quotes.
  return (trimmed.match(/[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"/g) ?? []).map((m) =>
    m.trim()
  );
}

/**
 * A user-written query template: a PromQL expression over RAW counters that tells the arms apart
 * through {{release}} or another arm placeholder such as {{pods}} (without one both arms would read
 * the same series).
 */
export function checkQueryTemplate(query: string, where: string): string {
  const trimmed = query.trim();
  if (trimmed === '') throw expectedError(where, 'a PromQL selector of raw counters', query);
  if (!ARM_DISTINCT.some((placeholder) => trimmed.includes(placeholder))) {
    throw expectedError(
      where,
      `a query containing ${RELEASE_PLACEHOLDER} (e.g. http_requests_total{release="${RELEASE_PLACEHOLDER}"}) or ${PODS_PLACEHOLDER} (pod=~"${PODS_PLACEHOLDER}") so canary and stable read different series`,
      trimmed
    );
  }
  const unknown = (trimmed.match(/\{\{[^}]*\}\}/g) ?? []).find((token) => !PLACEHOLDERS.includes(token));
  if (unknown) {
    throw new ConfigError(
      `${where}: unknown placeholder ${unknown}; the placeholders are ${PLACEHOLDERS.join(', ')}.`
    );
  }
  const rateCall = RATE_FUNCTIONS.exec(trimmed);
  if (rateCall) {
    throw expectedError(
      where,
      `raw counters without ${rateCall[1]}(): the action takes per-series deltas itself, with Prometheus's reset rule`,
      trimmed
    );
  }
  return trimmed;
}
