// Every metric can see stable, before the canary exists: the requests series has traffic for stable
// in a recent window, the status-code label the errors query filters on exists on the series, the
// histogram has buckets, the business counter exists. The queries are the judge's own templates,
// rendered for stable with the same escaping, so what passes here is what the judge will read.
import type { AnalysisSpec, MetricSpec } from '../config/spec.js';
import { errorMessage } from '../error-message.js';
import { escapePromqlString, renderQuery, type QueryArm } from '../metrics/promql.js';
import type { CounterSeries, MetricsProvider } from '../metrics/types.js';
import { formatSelector, parseSelector } from './selector.js';
import { PreflightError, type PreflightErrorCode, type PreflightLine } from './types.js';

/** How far back "recent traffic" looks. */
export const TRAFFIC_WINDOW_SECONDS = 300;

export interface MetricsCheckInput {
  analysis: AnalysisSpec;
  release: string;
  namespace: string;
  provider: MetricsProvider;
  /** Stable's values for the arm placeholders beyond release and namespace. */
  stableArm?: Partial<QueryArm>;
  /** Milliseconds since the epoch. */
  now: number;
}

export interface MetricsFindings {
  lines: PreflightLine[];
  errors: PreflightError[];
  analysis: AnalysisSpec;
  dropped: string[];
}

/** Why a metric cannot have data; a default metric is dropped for it, a configured one is an error. */
interface Blind {
  code: PreflightErrorCode;
  message: string;
}

type MetricVerdict = { ok: true; detail: string; warn?: boolean } | { ok: false; blind: Blind };

export async function checkMetrics(input: MetricsCheckInput): Promise<MetricsFindings> {
  const { analysis } = input;
  const at = input.now / 1000;
  const stableQuery = (template: string): string =>
    renderQuery(template, { ...input.stableArm, release: input.release, namespace: input.namespace });
  const query = (promql: string, time = at): Promise<CounterSeries[]> => input.provider.query(promql, time);
  const lines: PreflightLine[] = [];
  const errors: PreflightError[] = [];

  const requests = stableQuery(analysis.requests);
  const [current, earlier] = await Promise.all([
    query(requests),
    query(requests, at - TRAFFIC_WINDOW_SECONDS)
  ]);
  if (current.length === 0) {
    const hint = await releaseLabelHint(requests, input.release, query);
    errors.push(
      new PreflightError(
        'no-stable-traffic',
        `requests: \`${requests}\` returns no series for stable ${input.release}${hint}. ` +
          'The judge would see no data for either arm. Make the series carry the release (a `release` label from PodMonitor or ServiceMonitor relabeling, see docs/charts.md), or set `names.release-label` or `requests` in the analysis to the labels they have.'
      )
    );
    lines.push({
      check: 'metrics',
      subject: 'requests',
      status: 'fail',
      detail: `no series: ${requests}`,
      code: 'no-stable-traffic'
    });
  } else {
    const traffic = increaseBetween(earlier, current);
    if (traffic > 0) {
      lines.push({
        check: 'metrics',
        subject: 'requests',
        status: 'ok',
        detail: `${Math.round(traffic)} stable requests in the last ${TRAFFIC_WINDOW_SECONDS / 60} min`
      });
    } else {
      const message =
        `requests: stable ${input.release} served no requests in the last ${TRAFFIC_WINDOW_SECONDS / 60} minutes (\`${requests}\` did not grow), ` +
        'so there is nothing to compare the canary with. Run the canary while stable has traffic, or set `no-data: pass` to go on without it.';
      if (analysis.noData === 'pass') {
        lines.push({
          check: 'metrics',
          subject: 'requests',
          status: 'warn',
          detail: `no stable traffic in ${TRAFFIC_WINDOW_SECONDS / 60} min (no-data: pass)`
        });
      } else {
        errors.push(new PreflightError('no-stable-traffic', message));
        lines.push({
          check: 'metrics',
          subject: 'requests',
          status: 'fail',
          detail: `no stable traffic in ${TRAFFIC_WINDOW_SECONDS / 60} min`,
          code: 'no-stable-traffic'
        });
      }
    }
  }

  const kept: MetricSpec[] = [];
  const dropped: string[] = [];
  for (const metric of analysis.metrics) {
    let verdict: MetricVerdict;
    try {
      verdict = await checkMetric(metric, stableQuery, query);
    } catch (error) {
      throw new PreflightError('preflight-read-failed', `metric ${metric.name}: ${errorMessage(error)}`);
    }
    if (verdict.ok) {
      kept.push(metric);
      lines.push({
        check: 'metrics',
        subject: metric.name,
        status: verdict.warn ? 'warn' : 'ok',
        detail: verdict.detail
      });
    } else if (metric.configured) {
      kept.push(metric);
      errors.push(new PreflightError(verdict.blind.code, `metric ${metric.name}: ${verdict.blind.message}`));
      lines.push({
        check: 'metrics',
        subject: metric.name,
        status: 'fail',
        detail: verdict.blind.message,
        code: verdict.blind.code
      });
    } else {
      dropped.push(metric.name);
      lines.push({
        check: 'metrics',
        subject: metric.name,
        status: 'warn',
        detail: `dropped (a default metric that cannot have data): ${verdict.blind.message}`,
        code: verdict.blind.code
      });
    }
  }
  if (kept.length === 0 && dropped.length > 0) {
    errors.push(
      new PreflightError(
        'no-metric-left',
        `no metric can see stable ${input.release}: ${dropped.join(', ')} were dropped, so nothing would judge the canary. Configure the metrics in the analysis (see docs/configuration.md).`
      )
    );
  }
  return { lines, errors, analysis: { ...analysis, metrics: kept }, dropped };
}

async function checkMetric(
  metric: MetricSpec,
  stableQuery: (template: string) => string,
  query: (promql: string) => Promise<CounterSeries[]>
): Promise<MetricVerdict> {
  switch (metric.kind) {
    case 'errors': {
      const total = stableQuery(metric.total);
      const series = await query(total);
      if (series.length === 0)
        return blind('metric-has-no-data', `\`${total}\` returns no series for stable`);
      const missing = filterLabelsMissing(stableQuery(metric.bad), total, series);
      if (missing.length > 0) {
        const seen = labelNames(series);
        const codes = statusLikeLabels(series);
        const suggestion =
          codes.length > 0
            ? ` The status code looks like it is in ${codes.map((l) => `\`${l}\``).join(' or ')}: set \`names.status-code-label\` (or the \`bad\` query) to it.`
            : '';
        return blind(
          'status-label-missing',
          `the series of \`${total}\` carry no label ${missing.map((l) => `\`${l}\``).join(', ')}, which \`bad\` filters on, so it could never count a bad request (labels seen: ${seen.join(', ') || 'none'}).${suggestion}`
        );
      }
      return { ok: true, detail: `${series.length} series${statusDetail(stableQuery(metric.bad), series)}` };
    }
    case 'latency': {
      const buckets = stableQuery(metric.buckets);
      const series = await query(buckets);
      if (series.length === 0)
        return blind('histogram-has-no-buckets', `\`${buckets}\` returns no series for stable`);
      const bounds = new Set(series.map((s) => s.labels.le).filter((le) => le !== undefined));
      if (bounds.size === 0) {
        return blind(
          'histogram-has-no-buckets',
          `\`${buckets}\` returns series without an \`le\` label: expected the \`_bucket\` series of a Prometheus histogram`
        );
      }
      return { ok: true, detail: `${bounds.size} buckets` };
    }
    case 'ratio': {
      const denominator = stableQuery(metric.denominator);
      const series = await query(denominator);
      if (series.length === 0)
        return blind(
          'metric-has-no-data',
          `business counter \`${denominator}\` returns no series for stable`
        );
      const numerator = stableQuery(metric.numerator);
      if ((await query(numerator)).length === 0) {
        return {
          ok: true,
          warn: true,
          detail: `\`${numerator}\` has no series yet: it reads 0 on both arms until the first event`
        };
      }
      return { ok: true, detail: `${series.length} series of the business counter` };
    }
  }
}

function blind(code: PreflightErrorCode, message: string): MetricVerdict {
  return { ok: false, blind: { code, message } };
}

/**
 * The labels the bad query filters on that the total's series do not carry at all. Only for plain
 * selectors of the same metric: then the bad query is the total narrowed by those labels.
 */
function filterLabelsMissing(bad: string, total: string, series: CounterSeries[]): string[] {
  const badSelector = parseSelector(bad);
  const totalSelector = parseSelector(total);
  if (!badSelector || !totalSelector || badSelector.metric !== totalSelector.metric) return [];
  const totalLabels = new Set(totalSelector.matchers.map((m) => m.label));
  const extra = badSelector.matchers.filter((m) => !totalLabels.has(m.label)).map((m) => m.label);
  return [...new Set(extra)].filter((label) => !series.some((s) => (s.labels[label] ?? '') !== ''));
}

function statusDetail(bad: string, series: CounterSeries[]): string {
  const selector = parseSelector(bad);
  const label = selector?.matchers.find((m) => /code|status/i.test(m.label))?.label;
  if (!label) return '';
  const values = [...new Set(series.map((s) => s.labels[label]).filter(Boolean))].sort().slice(0, 5);
  return `; label \`${label}\` seen (${values.join(', ')})`;
}

function labelNames(series: CounterSeries[]): string[] {
  return [...new Set(series.flatMap((s) => Object.keys(s.labels)))].filter((l) => l !== '__name__').sort();
}

/** Labels whose values look like HTTP status codes (200, 503, 5xx). */
function statusLikeLabels(series: CounterSeries[]): string[] {
  return labelNames(series).filter((label) =>
    series.some((s) => /^[1-5](\d\d|xx)$/i.test(s.labels[label] ?? ''))
  );
}

/**
 * When stable's selector finds nothing, the same selector without the release matcher tells a missing
 * release label apart from a missing metric.
 */
async function releaseLabelHint(
  requests: string,
  release: string,
  query: (promql: string) => Promise<CounterSeries[]>
): Promise<string> {
  const selector = parseSelector(requests);
  if (!selector) return '';
  const releaseMatcher = selector.matchers.find((m) => m.op === '=' && m.raw === escapePromqlString(release));
  if (!releaseMatcher) return '';
  const without = formatSelector({
    ...selector,
    matchers: selector.matchers.filter((m) => m !== releaseMatcher)
  });
  const series = await query(without).catch(() => []);
  if (series.length === 0)
    return `; \`${without}\` has no series either: the metric is not scraped under these labels`;
  const labels = labelNames(series);
  return `; \`${without}\` has ${series.length} series, but none with \`${releaseMatcher.label}="${releaseMatcher.raw}"\` (their labels: ${labels.join(', ')})`;
}

/** Requests between two reads of the same counters: per-series growth, a reset counting from zero. */
export function increaseBetween(earlier: CounterSeries[], current: CounterSeries[]): number {
  const key = (s: CounterSeries): string =>
    JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b)));
  const before = new Map(earlier.map((s) => [key(s), s.value]));
  let sum = 0;
  for (const s of current) {
    if (!Number.isFinite(s.value)) continue;
    const old = before.get(key(s));
    sum += old === undefined || s.value < old ? s.value : s.value - old;
  }
  return sum;
}
