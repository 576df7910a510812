// docs/configuration.md's examples must be valid: the full example and the ingress-nginx names example
// are read through readRolloutSpec, so the documentation cannot drift from the parser.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { readRolloutSpec } from '../../src/config/index.js';
import { BASE_INPUTS, inputs, makeWorkspace, type Workspace } from './helpers.js';

const doc = fs.readFileSync(
  path.resolve(import.meta.dirname, '..', '..', 'docs', 'configuration.md'),
  'utf8'
);
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.remove());

test('the full example parses and yields the metrics it describes', () => {
  const full = yamlBlocks.find((block) => block.startsWith('# .github/canary.yml'));
  expect(full).toBeDefined();
  ws.write('.github/canary.yml', full!);
  const spec = readRolloutSpec(inputs({ ...BASE_INPUTS, config: '.github/canary.yml' }), {
    cwd: ws.dir,
    env: {}
  });
  expect(spec.analysis.metrics.map((m) => m.name)).toEqual([
    'error-rate',
    'latency-p95',
    'conversion',
    'checkout-failures',
    'db-latency',
    'add-to-cart'
  ]);
  expect(spec.analysis.requests).toBe(
    'http_requests_total{namespace="{{namespace}}",release="{{release}}",route!="/healthz"}'
  );
  expect(spec.analysis.metrics[0]).toMatchObject({
    bad: 'http_requests_total{namespace="{{namespace}}",release="{{release}}",job="storefront",code=~"5.."}'
  });
});

test('the ingress-nginx names example gives the 5xx selector the doc shows', () => {
  const names = yamlBlocks.find((block) => block.includes('nginx_ingress_controller_requests'));
  expect(names).toBeDefined();
  const spec = readRolloutSpec(inputs({ ...BASE_INPUTS, analysis: names! }), { cwd: ws.dir, env: {} });
  const bad = (spec.analysis.metrics[0] as { bad: string }).bad;
  expect(bad).toBe(
    'nginx_ingress_controller_requests{exported_namespace="{{namespace}}",service="{{release}}",status=~"5.."}'
  );
  expect(doc).toContain(bad);
});
