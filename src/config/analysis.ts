// The analysis YAML (the `config` file or the inline `analysis` input): which metrics to judge and
// the names behind the built-in queries. Strict on purpose: a misspelt key would otherwise be
// silently ignored and a guard the user believes in would not exist. Keys are kebab-case.
// The format is documented in docs/configuration.md.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { parsePositiveDuration } from './durations.js';
import { ConfigError, expectedError } from './errors.js';
import { parseFraction, parseOpenFraction } from './fractions.js';
import { BUILT_IN_KINDS, DEFAULT_METRIC_NAMES, type MetricNames } from './default-metrics.js';
import {
  checkQueryTemplate,
  escapePromqlString,
  isLabelName,
  isMetricName,
  parseMatcherList
} from './promql.js';
import type { MetricSpec } from './spec.js';
import { errorMessage } from '../error-message.js';
import { METRICS_SOURCES, type MetricsSourceName } from '../metrics-source/index.js';

export type MetricKind = MetricSpec['kind'];
export const METRIC_KINDS: readonly MetricKind[] = ['errors', 'latency', 'ratio'];

export const TOP_LEVEL_KEYS = [
  'names',
  'requests',
  'metrics',
  'query-timeout',
  'max-metric-failures',
  'metrics-source'
] as const;
export const NAMES_KEYS = [
  'requests-metric',
  'latency-histogram',
  'sessions-metric',
  'checkouts-metric',
  'status-code-label',
  'release-label',
  'namespace-label',
  'extra-matchers',
  'pod-label'
] as const;
const COMMON_METRIC_KEYS = ['name', 'kind', 'title', 'enabled', 'alpha'];
export const METRIC_KEYS: Record<MetricKind, string[]> = {
  errors: [...COMMON_METRIC_KEYS, 'bad', 'total', 'max'],
  latency: [...COMMON_METRIC_KEYS, 'buckets', 'quantile', 'max', 'unit'],
  ratio: [...COMMON_METRIC_KEYS, 'numerator', 'denominator', 'min', 'margin']
};

/** One entry of `metrics:`, validated but not yet merged with the built-ins. */
export interface MetricEntry {
  /** Where the entry is, for later messages: `config file x.yml, key metrics[1]`. */
  where: string;
  source: string;
  /** `metrics[1]` */
  path: string;
  name: string;
  kind?: MetricKind;
  enabled: boolean;
  title?: string;
  alpha?: number;
  bad?: string;
  total?: string;
  /** As written: a fraction for errors, a latency for latency; parsed once the kind is known. */
  max?: string;
  buckets?: string;
  quantile?: number;
  unit?: 'seconds' | 'milliseconds';
  numerator?: string;
  denominator?: string;
  min?: number;
  margin?: number;
}

export interface AnalysisConfig {
  /** `config file .github/canary.yml` or `input \`analysis\``. */
  source: string;
  /** `metrics-source:` as written (validated); the input of the same name may also give it. */
  metricsSource?: MetricsSourceName;
  names: MetricNames;
  requests?: string;
  queryTimeoutSeconds?: number;
  maxMetricFailures?: number;
  metrics: MetricEntry[];
}

type YamlMap = Record<string, unknown>;

/** Each metric costs queries every tick; more than this is a mistake, not an analysis. */
export const MAX_METRICS = 50;

/** Parses and validates the YAML text; `source` names the file or input in every message. */
export function parseAnalysisYaml(text: string, source: string): AnalysisConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      `${source}: not valid YAML: ${document.errors[0].message.split('\n')[0].replace(/:$/, '')}.`
    );
  }
  const contents = document.contents;
  if (contents === null) return { source, names: { ...DEFAULT_METRIC_NAMES }, metrics: [] };
  if (!isMap(contents)) throw expectedError(source, `a YAML map with the keys ${TOP_LEVEL_KEYS.join(', ')}`);
  let root: YamlMap;
  try {
    root = document.toJS({ maxAliasCount: 100 }) as YamlMap;
  } catch (error) {
    // e.g. a "billion laughs" alias bomb: the yaml library refuses it; say where it came from.
    throw new ConfigError(`${source}: not valid YAML: ${errorMessage(error)}.`);
  }
  if (Array.isArray(root.metrics) && root.metrics.length > MAX_METRICS) {
    throw new ConfigError(
      `${source}: \`metrics\` lists ${root.metrics.length} metrics; expected at most ${MAX_METRICS}.`
    );
  }
  const lines = keyLines(contents, lineCounter);
  checkKeys(root, TOP_LEVEL_KEYS, source, '', lines);

  const config: AnalysisConfig = {
    source,
    names: parseNames(root.names, source, lines),
    metrics: parseMetricList(root.metrics, source, lines)
  };
  if (root['metrics-source'] !== undefined) {
    const where = at(source, 'metrics-source');
    const name = text_(root['metrics-source'], where);
    if (!(METRICS_SOURCES as readonly string[]).includes(name)) {
      throw expectedError(where, `one of ${METRICS_SOURCES.join(', ')}`, name);
    }
    config.metricsSource = name as MetricsSourceName;
  }
  if (root.requests !== undefined) {
    config.requests = checkQueryTemplate(
      text_(root.requests, at(source, 'requests')),
      at(source, 'requests')
    );
  }
  if (root['query-timeout'] !== undefined) {
    const where = at(source, 'query-timeout');
    config.queryTimeoutSeconds = parsePositiveDuration(text_(root['query-timeout'], where), where);
  }
  if (root['max-metric-failures'] !== undefined) {
    const where = at(source, 'max-metric-failures');
    const value = root['max-metric-failures'];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw expectedError(where, 'a whole number of consecutive failed queries, at least 1', String(value));
    }
    config.maxMetricFailures = value;
  }
  return config;
}

function parseNames(value: unknown, source: string, lines: KeyLines): MetricNames {
  const names: MetricNames = { ...DEFAULT_METRIC_NAMES, extraMatchers: [] };
  if (value === undefined || value === null) return names;
  const where = at(source, 'names');
  const map = asMap(value, where);
  checkKeys(map, NAMES_KEYS, source, 'names.', lines);
  const metric = (
    key: string,
    field: 'requestsMetric' | 'latencyHistogram' | 'sessionsMetric' | 'checkoutsMetric'
  ) => {
    if (map[key] === undefined) return;
    const name = text_(map[key], at(source, `names.${key}`));
    if (!isMetricName(name))
      throw expectedError(
        at(source, `names.${key}`),
        'a Prometheus metric name like http_requests_total',
        name
      );
    names[field] = name;
  };
  const label = (
    key: string,
    field: 'statusCodeLabel' | 'releaseLabel' | 'namespaceLabel' | 'podLabel',
    optional = false
  ) => {
    if (map[key] === undefined || (optional && (map[key] === '' || map[key] === null))) {
      if (optional && map[key] !== undefined) names[field] = '';
      return;
    }
    const name = text_(map[key], at(source, `names.${key}`));
    if (!isLabelName(name)) {
      throw expectedError(
        at(source, `names.${key}`),
        `a Prometheus label name like ${DEFAULT_METRIC_NAMES[field] || (field === 'podLabel' ? 'pod' : 'namespace')}`,
        name
      );
    }
    names[field] = name;
  };
  metric('requests-metric', 'requestsMetric');
  metric('latency-histogram', 'latencyHistogram');
  metric('sessions-metric', 'sessionsMetric');
  metric('checkouts-metric', 'checkoutsMetric');
  label('status-code-label', 'statusCodeLabel');
  label('release-label', 'releaseLabel');
  label('namespace-label', 'namespaceLabel', true);
  label('pod-label', 'podLabel', true);
  names.extraMatchers = parseExtraMatchers(map['extra-matchers'], at(source, 'names.extra-matchers'));
  return names;
}

/** A matcher string (`job="storefront"`) or a map of label to exact value (values escaped here). */
function parseExtraMatchers(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return parseMatcherList(value, where);
  const map = asMap(value, where, 'PromQL matchers like job="storefront", or a map of label to value');
  return Object.entries(map).map(([label, labelValue]) => {
    if (!isLabelName(label)) throw expectedError(where, 'Prometheus label names as keys', label);
    return `${label}="${escapePromqlString(text_(labelValue, `${where}.${label}`))}"`;
  });
}

function parseMetricList(value: unknown, source: string, lines: KeyLines): MetricEntry[] {
  if (value === undefined || value === null) return [];
  const where = at(source, 'metrics');
  if (!Array.isArray(value))
    throw expectedError(where, 'a list of metrics (each item starting with "- name:")');
  const entries = value.map((item, index) => parseMetricEntry(item, source, `metrics[${index}]`, lines));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name))
      throw new ConfigError(`${entry.where}: metric name "${entry.name}" is used twice.`);
    seen.add(entry.name);
  }
  return entries;
}

function parseMetricEntry(item: unknown, source: string, path: string, lines: KeyLines): MetricEntry {
  const where = at(source, path);
  const map = asMap(item, where, 'a metric: a map with name, and kind for a new metric');
  if (map.name === undefined)
    throw expectedError(where, 'a `name` for the metric (e.g. error-rate, or a new one)');
  const name = text_(map.name, at(source, `${path}.name`));
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name === 'requests') {
    throw expectedError(
      at(source, `${path}.name`),
      'a kebab-case metric name like checkout-failures (not "requests")',
      name
    );
  }
  let kind: MetricKind | undefined;
  if (map.kind !== undefined) {
    const kindText = text_(map.kind, at(source, `${path}.kind`));
    if (!(METRIC_KINDS as string[]).includes(kindText)) {
      throw expectedError(at(source, `${path}.kind`), `one of ${METRIC_KINDS.join(', ')}`, kindText);
    }
    kind = kindText as MetricKind;
  }
  // A kind-less entry overrides a built-in and takes its kind's keys; a new metric without a kind
  // gets the union here and a "needs a kind" error later.
  const keyKind = kind ?? BUILT_IN_KINDS[name as keyof typeof BUILT_IN_KINDS];
  const allowed = keyKind ? METRIC_KEYS[keyKind] : [...new Set(Object.values(METRIC_KEYS).flat())];
  checkKeys(map, allowed, source, `${path}.`, lines, keyKind ? `an ${keyKind} metric` : undefined);

  const entry: MetricEntry = { where, source, path, name, enabled: true, ...(kind && { kind }) };
  const key = (k: string) => at(source, `${path}.${k}`);
  const has = (k: string) => map[k] !== undefined && map[k] !== null;
  if (has('enabled')) {
    if (typeof map.enabled !== 'boolean')
      throw expectedError(key('enabled'), 'true or false', String(map.enabled));
    entry.enabled = map.enabled;
  }
  if (has('title')) entry.title = text_(map.title, key('title'));
  if (has('alpha')) entry.alpha = parseOpenFraction(text_(map.alpha, key('alpha')), key('alpha'));
  for (const query of ['bad', 'total', 'buckets', 'numerator', 'denominator'] as const) {
    if (has(query)) entry[query] = checkQueryTemplate(text_(map[query], key(query)), key(query));
  }
  if (has('quantile')) {
    const quantile = parseOpenFraction(text_(map.quantile, key('quantile')), key('quantile'));
    entry.quantile = quantile;
  }
  if (has('unit')) {
    const unit = text_(map.unit, key('unit'));
    if (unit !== 'seconds' && unit !== 'milliseconds')
      throw expectedError(key('unit'), 'seconds or milliseconds', unit);
    entry.unit = unit;
  }
  if (has('min')) entry.min = parseFraction(text_(map.min, key('min')), key('min'));
  if (has('margin')) entry.margin = parseOpenFraction(text_(map.margin, key('margin')), key('margin'));
  // The unit of `max` follows the kind, which a kind-less override takes from the built-in.
  if (has('max')) entry.max = text_(map.max, key('max'));
  return entry;
}

function checkKeys(
  map: YamlMap,
  allowed: readonly string[],
  source: string,
  prefix: string,
  lines: KeyLines,
  what?: string
): void {
  for (const key of Object.keys(map)) {
    if (allowed.includes(key)) continue;
    const kebab = key
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/_/g, '-')
      .toLowerCase();
    const hint =
      kebab !== key && allowed.includes(kebab) ? ` (keys are kebab-case: did you mean "${kebab}"?)` : '';
    const line = lines.get(prefix + key);
    const under = prefix ? ` under ${prefix.replace(/\.$/, '')}` : '';
    throw new ConfigError(
      `${at(source, prefix + key)}${line ? ` (line ${line})` : ''}: unknown key "${key}"${hint}. Allowed keys${what ? ` for ${what}` : ''}${under}: ${allowed.join(', ')}.`
    );
  }
}

/** Line of every key, by path (`metrics[0].max`), so messages can point into the file. */
type KeyLines = Map<string, number>;

function keyLines(root: unknown, lineCounter: LineCounter): KeyLines {
  const lines: KeyLines = new Map();
  const walk = (node: unknown, prefix: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const path = prefix ? `${prefix}.${String(pair.key.value)}` : String(pair.key.value);
        lines.set(path, lineCounter.linePos(pair.key.range[0]).line);
        walk(pair.value, path);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, `${prefix}[${index}]`));
    }
  };
  walk(root, '');
  return lines;
}

function asMap(value: unknown, where: string, expected = 'a map'): YamlMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw expectedError(
      where,
      expected,
      value === null ? 'null' : Array.isArray(value) ? 'a list' : String(value)
    );
  }
  return value as YamlMap;
}

/** A YAML scalar as text: numbers are accepted where a string like `5%` also is. */
function text_(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw expectedError(where, 'a single value (text or number)', JSON.stringify(value));
}

/** How messages name a key: config file `x.yml`, key `metrics[0].max`. */
export function keyLabel(source: string, path: string): string {
  return at(source, path);
}

function at(source: string, path: string): string {
  return `${source}, key \`${path}\``;
}
