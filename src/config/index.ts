// readRolloutSpec: action inputs + the optional analysis YAML -> one validated RolloutSpec.
// Everything is checked here, before anything touches the cluster, and every problem found is
// reported at once (one line each, naming the input or file and what was expected).
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAnalysisYaml, type AnalysisConfig } from './analysis.js';
import { parseChart } from './chart.js';
import { parseBoolean, parseChoice, parseCount } from './choices.js';
import { formatDuration, parsePositiveDuration, parseStepDuration } from './durations.js';
import { ConfigError, expectedError, inputLabel, ProblemCollector } from './errors.js';
import { parseFraction, parseOpenFraction } from './fractions.js';
import { INPUT_DEFAULTS, type InputName } from './inputs.js';
import { isHelmKey, parseKeyValues, parseWeightValues, type KeyValue } from './key-values.js';
import { parseLatencyMs } from './latency.js';
import {
  CANARY_SUFFIX,
  parseKubeContext,
  parseNamespace,
  parseObjectName,
  parseReleaseName,
  parseStableRelease
} from './names.js';
import { parsePrometheusHeaders, parsePrometheusUrl, parseWebhookUrl } from './prometheus.js';
import { resolveMetrics, type SourceChoice } from './resolve-metrics.js';
import { METRICS_SOURCES } from '../metrics-source/index.js';
import type {
  AnalysisSpec,
  Command,
  DecisionMode,
  JudgeName,
  ManualGate,
  FirstReleasePolicy,
  NoDataPolicy,
  RolloutSpec,
  RoutingPreset
} from './spec.js';
import { parseSteps } from './steps.js';

export { ConfigError } from './errors.js';
export {
  INPUT_NAMES,
  INPUT_DEFAULTS,
  OUTPUT_NAMES,
  SECRET_INPUTS,
  type InputName,
  type OutputName
} from './inputs.js';
export { secretInputValues, secretValues } from './secrets.js';
export type * from './spec.js';

export const COMMANDS: readonly Command[] = ['deploy', 'promote', 'rollback', 'status'];
export const ROUTING_PRESETS: readonly RoutingPreset[] = [
  'ingress-nginx',
  'gateway-api',
  'istio',
  'replicas',
  'values'
];
export const JUDGES: readonly JudgeName[] = ['sequential', 'threshold'];
export const DECISION_MODES: readonly DecisionMode[] = ['auto', 'manual', 'hybrid'];
export const MANUAL_GATES: readonly ManualGate[] = ['every-step', 'before-final'];
export const FIRST_RELEASE_POLICIES: readonly FirstReleasePolicy[] = ['install', 'refuse'];
export const NO_DATA_POLICIES: readonly NoDataPolicy[] = ['fail', 'pass'];

/** Consecutive failed Prometheus queries tolerated, unless the YAML sets `max-metric-failures`. */
export const DEFAULT_MAX_METRIC_FAILURES = 5;
/** Per-query HTTP timeout, unless the YAML sets `query-timeout`. */
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 10;

export interface ReadOptions {
  /** For RUNNER_TEMP (the report's directory). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Base for relative paths (chart, values, config). Default process.cwd(). */
  cwd?: string;
  /** How messages name a setting; default "input `x`" (a release group names its file's keys). */
  label?: (name: InputName) => string;
}

export function readRolloutSpec(getInput: (name: string) => string, options: ReadOptions = {}): RolloutSpec {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const label = options.label ?? inputLabel;
  const problems = new ProblemCollector();

  const raw = (name: InputName): string => (getInput(name) ?? '').trim();
  const value = (name: InputName): string => raw(name) || (INPUT_DEFAULTS[name] ?? '');
  /** Parses an input (its default when empty); on a problem records it and returns `fallback`. */
  function read<T>(name: InputName, parse: (text: string, where: string) => T, fallback: T): T {
    return problems.attempt(() => parse(value(name), label(name))) ?? fallback;
  }
  /** Like `read`, for inputs without a default: undefined when empty. */
  function optional<T>(name: InputName, parse: (text: string, where: string) => T): T | undefined {
    return value(name) === '' ? undefined : problems.attempt(() => parse(value(name), label(name)));
  }
  function requireInput(name: InputName, expected: string): boolean {
    if (value(name) !== '') return true;
    problems.add(new ConfigError(`${label(name)} is required: ${expected}.`));
    return false;
  }

  if (value('group') !== '') {
    // A group is read by readReleaseGroup (src/config/group.ts), which reads each member through here.
    problems.add(
      new ConfigError(`${label('group')} is set: a release group is read from its file, not as one release.`)
    );
  }
  const command = read('command', (t, w) => parseChoice(t, w, COMMANDS), 'deploy');
  const deploys = command === 'deploy';

  // What to deploy.
  const customCanary = value('canary-release') !== '';
  let release = '';
  if (requireInput('release', 'the name of the stable Helm release, e.g. storefront')) {
    release = read('release', (t, w) => parseStableRelease(t, w, customCanary), '');
  }
  const canaryRelease = customCanary
    ? read('canary-release', (t, w) => parseCanaryRelease(t, w, release), '')
    : release && `${release}${CANARY_SUFFIX}`;
  const namespace = read('namespace', parseNamespace, 'default');
  const kubeContext = optional('kube-context', parseKubeContext);
  let chart = '';
  if (command === 'deploy' || command === 'promote' || value('chart') !== '') {
    const needs = `the chart to deploy for command ${command}: a local path, repo/chart or oci:// reference`;
    if (command === 'rollback' || command === 'status' || requireInput('chart', needs)) {
      chart = read('chart', (t, w) => parseChart(t, w, cwd), '');
    }
  }
  const chartVersion = optional('chart-version', parseChartVersion);
  const valuesFiles = read('values', (t, w) => parseValuesFiles(t, w, cwd), []);
  const set = read('set', parseKeyValues, []);
  let version = '';
  if (!deploys || requireInput('version', 'the new version to deploy as the canary, e.g. 1.4.0')) {
    version = optional('version', parseVersion) ?? '';
  }
  const versionKey = read('version-key', parseVersionKey, 'image.tag');

  // How traffic moves.
  const steps = read('steps', parseSteps, [20]);
  const soakSeconds = read('soak', (t, w) => parseStepDuration(t, w), 600);
  const intervalSeconds = read('interval', (t, w) => parseStepDuration(t, w), 30);
  if (intervalSeconds > soakSeconds) {
    problems.add(
      expectedError(
        label('interval'),
        `at most the soak time (${formatDuration(soakSeconds)}), so each step is sampled`,
        value('interval')
      )
    );
  }
  const routing = read('routing', (t, w) => parseChoice(t, w, ROUTING_PRESETS), 'ingress-nginx');
  let weightValues: KeyValue[] = [];
  if (routing === 'values') {
    if (
      requireInput(
        'weight-values',
        'with routing: values, the key=value lines that carry the weight, e.g. canary.weight={{weight}}'
      )
    ) {
      weightValues = read('weight-values', parseWeightValues, []);
    }
  } else if (value('weight-values') !== '') {
    problems.add(
      new ConfigError(
        `${label('weight-values')} is only used with routing: values (routing is ${routing}); remove it or set routing: values.`
      )
    );
  }

  let route: string | undefined;
  if (routing === 'gateway-api' || routing === 'istio') {
    route = optional('route', parseObjectName);
  } else if (value('route') !== '') {
    problems.add(
      new ConfigError(
        `${label('route')} is only used with routing: gateway-api or istio (routing is ${routing}); remove it or set one of them.`
      )
    );
  }

  // What to measure.
  let prometheusUrl = '';
  if (
    !deploys ||
    requireInput('prometheus-url', 'the http(s) URL of the Prometheus server that scrapes the app')
  ) {
    prometheusUrl = optional('prometheus-url', parsePrometheusUrl) ?? '';
  }
  const headers = read('prometheus-headers', parsePrometheusHeaders, {});
  const analysisConfig = readAnalysisConfig(value('config'), value('analysis'), cwd, problems, label);

  const guards = {
    maxErrorRate: read('max-error-rate', parsePositiveFraction, 0.05),
    maxLatencyMs: read('max-latency-p95', parseLatencyMs, 1000),
    minConversionRate: optional('min-conversion-rate', parseFraction)
  };
  const judge = read('judge', (t, w) => parseChoice(t, w, JUDGES), 'sequential');
  if (deploys && steps.length === 1 && steps[0] === 100 && judge !== 'threshold') {
    // At 100% stable gets no traffic, so there is nothing to compare the canary with.
    problems.add(
      expectedError(
        label('steps'),
        'a ladder with a step below 100 (e.g. 20,100), because at 100% stable gets no traffic to compare with; or `judge: threshold` for guards on the canary alone',
        value('steps')
      )
    );
  }
  const alpha = read('alpha', parseOpenFraction, 0.05);
  const minCanaryRequests = read('min-canary-requests', parseCount, 50);
  const maxExtraSoakSeconds = read('max-extra-soak', (t, w) => parseStepDuration(t, w, true), 300);
  const noData = read('no-data', (t, w) => parseChoice(t, w, NO_DATA_POLICIES), 'fail');
  const strictPass = read('strict-pass', parseBoolean, false);
  const source = readMetricsSource(value('metrics-source'), analysisConfig, routing, problems, label);
  const resolved = problems.attempt(() => resolveMetrics(analysisConfig, guards, alpha, source));

  // Everything else.
  const helmTimeoutSeconds = read('helm-timeout', parsePositiveDuration, 300);
  const githubToken = raw('github-token') || undefined;
  const dryRun = read('dry-run', parseBoolean, false);
  const replace = read('replace', parseBoolean, false);
  const firstRelease = read('first-release', (t, w) => parseChoice(t, w, FIRST_RELEASE_POLICIES), 'install');
  const checkName = value('check-name') || `canary / ${release}`;
  const slackWebhookUrl = optional('slack-webhook-url', parseWebhookUrl);
  const webhookUrl = optional('webhook-url', parseWebhookUrl);
  const decision = read('decision', (t, w) => parseChoice(t, w, DECISION_MODES), 'auto');
  const manualGate = read('manual-gate', (t, w) => parseChoice(t, w, MANUAL_GATES), 'every-step');

  problems.throwIfAny();

  const analysis: AnalysisSpec = {
    requests: resolved!.requests,
    metrics: resolved!.metrics,
    alpha,
    minCanaryRequests,
    maxExtraSoakSeconds,
    noData,
    strictPass,
    maxMetricFailures: analysisConfig?.maxMetricFailures ?? DEFAULT_MAX_METRIC_FAILURES
  };
  return {
    command,
    release,
    canaryRelease,
    chart,
    ...(chartVersion !== undefined && { chartVersion }),
    namespace,
    ...(kubeContext !== undefined && { kubeContext }),
    valuesFiles,
    set,
    version,
    versionKey,
    steps,
    soakSeconds,
    intervalSeconds,
    routing,
    ...(route !== undefined && { route }),
    weightValues,
    metricsSource: source.name,
    prometheus: {
      url: prometheusUrl,
      headers,
      timeoutSeconds: analysisConfig?.queryTimeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS
    },
    analysis,
    judge,
    decision,
    manualGate,
    helmTimeoutSeconds,
    dryRun,
    replace,
    firstRelease,
    ...(githubToken !== undefined && { githubToken }),
    checkName,
    ...(slackWebhookUrl !== undefined && { slackWebhookUrl }),
    ...(webhookUrl !== undefined && { webhookUrl }),
    reportPath: path.join(env.RUNNER_TEMP || os.tmpdir(), `canary-${release}-report.json`)
  };
}

/** The `config` file or the inline `analysis` YAML (not both: there would be two truths). */
function readAnalysisConfig(
  configPath: string,
  inline: string,
  cwd: string,
  problems: ProblemCollector,
  label: (name: InputName) => string
): AnalysisConfig | undefined {
  if (configPath !== '' && inline !== '') {
    problems.add(
      new ConfigError(
        'inputs `config` and `analysis` are both set: give the metrics in one of them, not both.'
      )
    );
    return undefined;
  }
  if (inline !== '') return problems.attempt(() => parseAnalysisYaml(inline, label('analysis')));
  if (configPath === '') return undefined;
  return problems.attempt(() => {
    const file = path.resolve(cwd, configPath);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new ConfigError(
        `${label('config')}: file ${configPath} not found (looked at ${file}); expected a YAML file such as .github/canary.yml.`
      );
    }
    return parseAnalysisYaml(readFileSync(file, 'utf8'), `config file ${configPath}`);
  });
}

/** The input or the analysis key (both only if they agree: there would be two truths). */
function readMetricsSource(
  input: string,
  analysis: AnalysisConfig | undefined,
  routing: RoutingPreset,
  problems: ProblemCollector,
  label: (name: InputName) => string
): SourceChoice {
  const fromYaml = analysis?.metricsSource;
  if (input === '') {
    return fromYaml
      ? { name: fromYaml, where: `${analysis!.source}, key \`metrics-source\``, routing }
      : { name: 'app', where: label('metrics-source'), routing };
  }
  const name = problems.attempt(() => parseChoice(input, label('metrics-source'), METRICS_SOURCES));
  if (name && fromYaml && fromYaml !== name) {
    problems.add(
      new ConfigError(
        `${label('metrics-source')} is ${name} but ${analysis!.source} says \`metrics-source: ${fromYaml}\`; give it in one place.`
      )
    );
  }
  return { name: name ?? 'app', where: label('metrics-source'), routing };
}

function parseCanaryRelease(text: string, where: string, release: string): string {
  const name = parseReleaseName(text, where);
  if (name === release)
    throw expectedError(where, `a release name other than the stable release "${release}"`, name);
  return name;
}

function parseValuesFiles(text: string, where: string, cwd: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((file) => {
      const resolved = path.resolve(cwd, file);
      if (!existsSync(resolved) || !statSync(resolved).isFile()) {
        throw new ConfigError(
          `${where}: values file ${file} not found (looked at ${resolved}); expected existing files, one per line.`
        );
      }
      return resolved;
    });
}

/** The OCI tag grammar: what an image tag may be, and so what a version may be. */
const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function parseVersion(text: string, where: string): string {
  if (!OCI_TAG.test(text)) {
    throw expectedError(
      where,
      'a version in the OCI tag grammar (letters, digits, `_`, `.` and `-`, at most 128, not starting with `.` or `-`), e.g. 1.4.0',
      text
    );
  }
  return text;
}

function parseChartVersion(text: string, where: string): string {
  if (/\s/.test(text))
    throw expectedError(where, 'a chart version or range without spaces, e.g. 1.2.3 or ^1.2', text);
  return text;
}

function parseVersionKey(text: string, where: string): string {
  if (!isHelmKey(text)) throw expectedError(where, 'a Helm value key such as image.tag', text);
  return text;
}

function parsePositiveFraction(text: string, where: string): number {
  const fraction = parseFraction(text, where);
  if (fraction <= 0) throw expectedError(where, 'a rate above zero, e.g. 5% or 0.05', text);
  return fraction;
}
