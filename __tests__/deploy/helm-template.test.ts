// The real Helm binary renders the mini chart with the canary's values for every routing preset:
// proves the --set / --set-string keys (escaped annotation names) parse the way we intend, and that
// the action adds no values of its own (its marks are on a Lease, so a strict values schema never sees them).
import { parseAllDocuments } from 'yaml';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { canaryValueArgs } from '../../src/deploy/helm-args.js';
import type { RoutingPreset } from '../../src/config/spec.js';
import { miniChart, realHelm } from './real-helm.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

interface Rendered {
  annotations: Record<string, string>;
  canary: Record<string, unknown>;
  image: Record<string, unknown>;
  mesh: Record<string, unknown>;
  marks: Record<string, unknown>;
}

async function render(major: 3 | 4, routing: RoutingPreset, weight: number): Promise<Rendered> {
  const spec = rolloutSpec({
    chart: miniChart,
    valuesFiles: [],
    set: [{ key: 'ingress.className', value: 'public' }],
    version: '2.0.1',
    routing,
    weightValues: routing === 'values' ? [{ key: 'mesh.canaryPercent', value: '{{weight}}' }] : []
  });
  const args = ['template', spec.canaryRelease, spec.chart, '--namespace', spec.namespace];
  args.push(...canaryValueArgs(spec, weight));
  const result = await actionsExecRunner(realHelm(major), args);
  if (result.exitCode !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, any>);
  const ingress = docs.find((d) => d.kind === 'Ingress')!;
  const echo = docs.find((d) => d.kind === 'ConfigMap')!.data as Record<string, string>;
  expect(ingress.spec.ingressClassName).toBe('public');
  return {
    annotations: ingress.metadata.annotations ?? {},
    canary: JSON.parse(echo['canary.json']),
    image: JSON.parse(echo['image.json']),
    mesh: JSON.parse(echo['mesh.json']),
    marks: JSON.parse(echo['canaryAction.json'])
  };
}

describe.each([3, 4] as const)('helm template with Helm %i', (major) => {
  it('ingress-nginx: canary values plus the nginx canary annotations as strings', async () => {
    const out = await render(major, 'ingress-nginx', 25);
    expect(out.canary).toEqual({
      enabled: true,
      weight: 25,
      routing: 'ingress-nginx',
      stableRelease: 'storefront'
    });
    expect(out.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '25'
    });
    expect(out.image).toEqual({ repository: 'example/mini', tag: '2.0.1' });
    expect(out.marks).toEqual({});
  });

  it.each(['gateway-api', 'istio'] as const)(
    '%s: no routing values at all (the action edits the route object), only version and marks',
    async (routing) => {
      const out = await render(major, routing, 5);
      expect(out.canary).toEqual({ enabled: false, weight: 0, routing: 'ingress-nginx', stableRelease: '' });
      expect(out.annotations).toEqual({});
      expect(out.image.tag).toBe('2.0.1');
    }
  );

  it('replicas: canary values only, no annotations', async () => {
    const out = await render(major, 'replicas', 5);
    expect(out.canary).toEqual({
      enabled: true,
      weight: 5,
      routing: 'replicas',
      stableRelease: 'storefront'
    });
    expect(out.annotations).toEqual({});
    expect(out.image.tag).toBe('2.0.1');
  });

  it('values: the user weight-values with {{weight}} replaced, canary.* untouched', async () => {
    const out = await render(major, 'values', 50);
    expect(out.mesh).toEqual({ canaryPercent: 50 });
    expect(out.canary).toEqual({ enabled: false, weight: 0, routing: 'ingress-nginx', stableRelease: '' });
    expect(out.annotations).toEqual({});
  });
});
