// Turns the YAML's `metrics:` entries and the guard inputs into the final metric list: built-ins
// first (overridden or disabled by entries of the same name), then the user's own metrics, each
// with its share of the overall alpha.
import { keyLabel, type AnalysisConfig, type MetricEntry } from './analysis.js';
import {
  BUILT_IN_METRICS,
  DEFAULT_CONVERSION_MARGIN,
  DEFAULT_LATENCY_QUANTILE,
  DEFAULT_METRIC_NAMES,
  histogramUnit,
  type BuiltInGuards,
  type MetricNames
} from './default-metrics.js';
import { sourceMetrics, type MetricsSourceName } from '../metrics-source/index.js';
import { ConfigError, expectedError } from './errors.js';
import { parseFraction } from './fractions.js';
import { parseLatencyMs } from './latency.js';
import type { MetricSpec, RoutingPreset } from './spec.js';

export interface ResolvedMetrics {
  requests: string;
  metrics: MetricSpec[];
}

/** Which metric source gives the built-ins, and where that was said (for messages). */
export interface SourceChoice {
  name: MetricsSourceName;
  where: string;
  routing: RoutingPreset;
}

export function resolveMetrics(
  config: AnalysisConfig | undefined,
  guards: BuiltInGuards,
  alpha: number,
  source: SourceChoice = { name: 'app', where: 'metrics-source', routing: 'ingress-nginx' }
): ResolvedMetrics {
  const names = config?.names ?? DEFAULT_METRIC_NAMES;
  const built = sourceMetrics(source.name, names, guards, source.routing, source.where);
  let metrics: MetricSpec[] = built.metrics.map((metric) =>
    namesChanged(metric.name, names) ? { ...metric, configured: true } : metric
  );
  for (const entry of config?.metrics ?? []) {
    const builtIn = metrics.find((metric) => metric.name === entry.name);
    if ((BUILT_IN_METRICS as readonly string[]).includes(entry.name) && (builtIn || !entry.kind)) {
      if (!builtIn) {
        if (!entry.enabled) continue; // switching off what this source does not have is harmless
        // e.g. `conversion` with a data-plane source: there is no built-in to override or disable.
        throw new ConfigError(
          `${entry.where}: metrics-source ${source.name} has no built-in "${entry.name}" metric; give it a \`kind\` and its queries to add one.`
        );
      }
      const merged = entry.enabled ? { ...overrideBuiltIn(builtIn, entry), configured: true } : undefined;
      metrics = metrics.flatMap((metric) => (metric === builtIn ? (merged ? [merged] : []) : [metric]));
    } else if (entry.enabled) {
      metrics.push({ ...customMetric(entry), configured: true });
    } else {
      customMetric(entry); // still validated, so a disabled metric is ready to switch on
    }
  }
  if (metrics.length === 0) {
    throw new ConfigError(
      `${config?.source ?? 'analysis'}: every metric is disabled; keep at least one enabled.`
    );
  }
  return {
    requests: config?.requests ?? built.requests,
    metrics: splitAlpha(metrics, alpha, config?.source)
  };
}

/** The metric-specific `names:` a built-in is made from (not the shared release and namespace labels). */
const NAMES_OF: Record<string, Array<keyof MetricNames>> = {
  'error-rate': ['requestsMetric', 'statusCodeLabel'],
  'latency-p95': ['latencyHistogram'],
  conversion: ['sessionsMetric', 'checkoutsMetric']
};

function namesChanged(metric: string, names: MetricNames): boolean {
  return (NAMES_OF[metric] ?? []).some((key) => names[key] !== DEFAULT_METRIC_NAMES[key]);
}

function overrideBuiltIn(builtIn: MetricSpec, entry: MetricEntry): MetricSpec {
  if (entry.kind && entry.kind !== builtIn.kind) {
    throw new ConfigError(
      `${keyLabel(entry.source, `${entry.path}.kind`)}: "${entry.name}" is the built-in ${builtIn.kind} metric; give the new ${entry.kind} metric another name.`
    );
  }
  const common = {
    ...(entry.title !== undefined && { title: entry.title }),
    ...(entry.alpha !== undefined && { alpha: entry.alpha })
  };
  switch (builtIn.kind) {
    case 'errors':
      return {
        ...builtIn,
        ...common,
        ...(entry.bad !== undefined && { bad: entry.bad }),
        ...(entry.total !== undefined && { total: entry.total }),
        ...(entry.max !== undefined && { max: parseErrorsMax(entry) })
      };
    case 'latency': {
      const quantile = entry.quantile ?? builtIn.quantile;
      const retitled = entry.title === undefined && quantile !== DEFAULT_LATENCY_QUANTILE;
      return {
        ...builtIn,
        ...common,
        ...(retitled && { title: `${quantileLabel(quantile)} latency` }),
        quantile,
        ...(entry.buckets !== undefined && {
          buckets: entry.buckets,
          bucketUnit: histogramUnit(selectorMetric(entry.buckets))
        }),
        ...(entry.unit !== undefined && { bucketUnit: entry.unit }),
        ...(entry.max !== undefined && { maxMs: parseLatencyMax(entry) })
      };
    }
    case 'ratio':
      return {
        ...builtIn,
        ...common,
        ...(entry.numerator !== undefined && { numerator: entry.numerator }),
        ...(entry.denominator !== undefined && { denominator: entry.denominator }),
        ...(entry.min !== undefined && { min: entry.min }),
        ...(entry.margin !== undefined && { margin: entry.margin })
      };
  }
}

function customMetric(entry: MetricEntry): MetricSpec {
  if (!entry.kind) {
    throw expectedError(
      entry.where,
      `a \`kind\` (errors, latency or ratio) for the new metric "${entry.name}" (the built-in metrics are ${BUILT_IN_METRICS.join(', ')})`
    );
  }
  const base = {
    name: entry.name,
    title: entry.title ?? entry.name,
    ...(entry.alpha !== undefined && { alpha: entry.alpha })
  };
  switch (entry.kind) {
    case 'errors':
      return {
        ...base,
        kind: 'errors',
        bad: required(entry, 'bad'),
        total: required(entry, 'total'),
        ...(entry.max !== undefined && { max: parseErrorsMax(entry) })
      };
    case 'latency': {
      const buckets = required(entry, 'buckets');
      return {
        ...base,
        kind: 'latency',
        buckets,
        quantile: entry.quantile ?? DEFAULT_LATENCY_QUANTILE,
        bucketUnit: entry.unit ?? histogramUnit(selectorMetric(buckets)),
        ...(entry.max !== undefined && { maxMs: parseLatencyMax(entry) })
      };
    }
    case 'ratio':
      return {
        ...base,
        kind: 'ratio',
        numerator: required(entry, 'numerator'),
        denominator: required(entry, 'denominator'),
        margin: entry.margin ?? DEFAULT_CONVERSION_MARGIN,
        ...(entry.min !== undefined && { min: entry.min })
      };
  }
}

function required(
  entry: MetricEntry,
  key: 'bad' | 'total' | 'buckets' | 'numerator' | 'denominator'
): string {
  const value = entry[key];
  if (value === undefined) {
    throw expectedError(entry.where, `a \`${key}\` query for the ${entry.kind} metric "${entry.name}"`);
  }
  return value;
}

function parseErrorsMax(entry: MetricEntry): number {
  return parseFraction(entry.max!, keyLabel(entry.source, `${entry.path}.max`));
}

function parseLatencyMax(entry: MetricEntry): number {
  return parseLatencyMs(entry.max!, keyLabel(entry.source, `${entry.path}.max`));
}

/** The metric name at the start of a selector, for unit inference. */
function selectorMetric(query: string): string {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(query)?.[0] ?? '';
}

function quantileLabel(quantile: number): string {
  return `p${Math.round(quantile * 1000) / 10}`;
}

/**
 * Checks the alpha shares users gave: they may not use up the overall alpha (union bound, see
 * JUDGE.md). Metrics without one are left without: the judge splits what is left by metric kind.
 */
function splitAlpha(metrics: MetricSpec[], alpha: number, source = 'analysis'): MetricSpec[] {
  const fixed = metrics.reduce((sum, metric) => sum + (metric.alpha ?? 0), 0);
  const open = metrics.filter((metric) => metric.alpha === undefined).length;
  const tolerance = 1e-12;
  if (fixed > alpha + tolerance) {
    throw new ConfigError(
      `${source}: the metrics' alpha shares sum to ${round(fixed)}, more than input \`alpha\` (${alpha}); lower them or raise alpha.`
    );
  }
  if (open > 0 && fixed >= alpha - tolerance) {
    throw new ConfigError(
      `${source}: the metrics' alpha shares use all of input \`alpha\` (${alpha}), leaving nothing for ${open} metric(s) without an alpha.`
    );
  }
  return metrics;
}

function round(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
