// Every `yaml` block in README.md and docs/ is valid YAML and validates as what it shows (a
// workflow, steps, a workflow fragment, or an analysis config), and no `run:` in examples/,
// .github/, README.md or docs/ puts `${{ }}` in a script, where an output such as `reason` (which
// can hold backticks and `$(...)`) would run as shell code. Pass values through `env:` instead.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse, stringify } from 'yaml';
import { parseAnalysisYaml } from '../../src/config/analysis.js';
import { MEMBER_KEYS } from '../../src/config/group.js';

const require = createRequire(import.meta.url);
const validator = require('@action-validator/core') as {
  validateWorkflow(src: string): { errors: unknown[] };
};

const root = path.resolve(import.meta.dirname, '../..');
const markdownFiles = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
];
const blocks = markdownFiles.flatMap((file) =>
  [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m, i) => ({
    name: `${file} block ${i + 1}`,
    text: m[1]
  }))
);
const yamlFiles = ['examples', '.github/workflows'].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${dir}/${f}`)
);

const WORKFLOW_KEYS = new Set([
  'name',
  'on',
  'permissions',
  'concurrency',
  'env',
  'defaults',
  'jobs',
  'run-name'
]);
const minimalJob = { 'runs-on': 'ubuntu-latest', steps: [{ run: 'true' }] };

/** The block as a whole workflow the validator can check. */
function asWorkflow(doc: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(doc))
    return { on: 'push', jobs: { example: { 'runs-on': 'ubuntu-latest', steps: doc } } };
  if (!doc || typeof doc !== 'object') return undefined;
  const keys = Object.keys(doc);
  if (!keys.every((k) => WORKFLOW_KEYS.has(k))) return undefined;
  return { on: 'push', jobs: { example: minimalJob }, ...doc };
}

/**
 * Prometheus's own configuration (docs/sandbox.md's reference scrape config for Prometheus without
 * prometheus-operator); __tests__/control-plane/prometheus-config.test.ts checks it is the config the
 * sandbox runs.
 */
const PROMETHEUS_KEYS = new Set(['global', 'scrape_configs', 'rule_files', 'alerting', 'remote_write']);
function isPrometheusConfig(doc: unknown): doc is { scrape_configs?: unknown } {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const keys = Object.keys(doc);
  return keys.length > 0 && keys.every((k) => PROMETHEUS_KEYS.has(k));
}

/** A Kubernetes object shown in the docs (e.g. the RBAC Role in docs/charts.md). */
function isKubernetesObject(
  doc: unknown
): doc is { apiVersion: unknown; kind: unknown; metadata?: { name?: unknown } } {
  return !!doc && typeof doc === 'object' && 'apiVersion' in doc && 'kind' in doc;
}

/** Every `run:` script anywhere in a parsed document. */
function runScripts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(runScripts);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'run' && typeof value === 'string' ? [value] : runScripts(value)
  );
}

describe('yaml in the README and docs', () => {
  it('finds the blocks', () => expect(blocks.length).toBeGreaterThanOrEqual(4));

  it.each(blocks.map((b) => [b.name, b.text]))('%s parses and validates', (name, text) => {
    const doc = parse(text);
    const workflow = asWorkflow(doc);
    if (isPrometheusConfig(doc)) {
      expect(Array.isArray(doc.scrape_configs)).toBe(true);
    } else if (isKubernetesObject(doc)) {
      expect(typeof doc.apiVersion).toBe('string');
      expect(typeof doc.kind).toBe('string');
      expect(typeof doc.metadata?.name).toBe('string');
    } else if (workflow) {
      expect(validator.validateWorkflow(JSON.stringify(workflow)).errors).toEqual([]);
    } else if (doc && typeof doc === 'object' && 'releases' in doc) {
      // A release group file (docs/groups.md): known keys, the required ones, and valid inline metrics.
      const entries = (doc as { releases: Record<string, unknown>[] }).releases;
      for (const entry of entries) {
        expect(Object.keys(entry).filter((k) => !(MEMBER_KEYS as readonly string[]).includes(k))).toEqual([]);
        expect(entry).toEqual(
          expect.objectContaining({ release: expect.anything(), chart: expect.anything() })
        );
        if (entry.metrics)
          expect(() => parseAnalysisYaml(stringify({ metrics: entry.metrics }), name)).not.toThrow();
      }
    } else {
      // Not a workflow: then it is an analysis config, checked by the action's own parser.
      expect(() => parseAnalysisYaml(text, name)).not.toThrow();
    }
  });
});

describe('no ${{ }} inside a run: script', () => {
  it.each([
    ...yamlFiles.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]),
    ...blocks.map((b) => [b.name, b.text])
  ])('%s', (_name, text) => {
    for (const script of runScripts(parse(text))) expect(script).not.toContain('${{');
  });
});
