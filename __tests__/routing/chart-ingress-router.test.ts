// ingress-nginx on a chart that renders the canary annotations itself (storefront, podinfo): Helm
// installs the canary at weight 0, every step after it is one JSON patch of the canary-weight
// annotation on the canary release's Ingress, against an in-memory API (FakeKube).
import { describe, expect, test } from '@jest/globals';
import { chartIngressRouter, renderedCanaryIngresses } from '../../src/routing/chart-ingress-router.js';
import { ingressNginxRouter } from '../../src/routing/ingress-nginx.js';
import { INGRESS_RESOURCE } from '../../src/routing/owned-ingress-router.js';
import { WEIGHT_ANNOTATION, type Ingress } from '../../src/routing/canary-ingress.js';
import type { RenderedObject } from '../../src/routing/kube.js';
import type { CanaryChart } from '../../src/routing/types.js';
import { runRollout } from '../../src/rollout/engine.js';
import {
  FakeClock,
  FakeDeployer,
  FakeMarksStore,
  MemoryLogger,
  RecordingReporter,
  RuleJudge,
  healthySample,
  makeSpec
} from '../helpers/fakes.js';
import { FakeKube } from './fake-kube.js';

const NS = 'shop';
const spec = { namespace: NS, canaryRelease: 'storefront-canary' };

/** The canary release's Ingress as Helm rendered it at the install (weight 0). */
function canaryIngress(name = 'storefront-canary'): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: NS,
      annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', [WEIGHT_ANNOTATION]: '0' }
    },
    spec: { rules: [{ host: 'shop.example.com' }] }
  };
}

function setup(rendered: RenderedObject[] = [canaryIngress() as RenderedObject]) {
  const kube = new FakeKube();
  for (const object of rendered) if (object.kind === 'Ingress') kube.put(INGRESS_RESOURCE, object);
  const lines: string[] = [];
  const deps = {
    kube,
    services: {
      services: async () => ['storefront-canary'],
      renderedObjects: async (release: string) => (release === spec.canaryRelease ? rendered : [])
    },
    sleep: async () => {},
    log: (line: string) => lines.push(line)
  };
  const weight = async (name = 'storefront-canary') =>
    (await kube.get<Ingress>(INGRESS_RESOURCE, NS, name))?.metadata.annotations?.[WEIGHT_ANNOTATION];
  return { kube, deps, lines, weight };
}

class RecordingChart implements CanaryChart {
  calls: string[] = [];
  async setWeight(weight: number): Promise<void> {
    this.calls.push(`setWeight ${weight}`);
  }
  async zeroWeight(): Promise<void> {
    this.calls.push('zeroWeight');
  }
}

describe('the canary Ingress the chart renders, weighted by a patch', () => {
  test('only Ingresses of the render marked canary "true" carry the weight', () => {
    const stableLike = { ...canaryIngress('plain'), metadata: { name: 'plain', annotations: {} } };
    const other = {
      ...canaryIngress('elsewhere'),
      metadata: { ...canaryIngress().metadata, name: 'x', namespace: 'web' }
    };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'storefront-canary' } };
    expect(
      renderedCanaryIngresses([canaryIngress() as RenderedObject, stableLike, other, service], NS)
    ).toEqual(['storefront-canary']);
  });

  test('prepare and every step are one patch with a resourceVersion test; no Helm write; describe reads the Ingress', async () => {
    const { kube, deps, weight } = setup();
    const chart = new RecordingChart();
    const router = ingressNginxRouter(
      { ...spec, release: 'storefront', canaryIngress: 'chart' },
      chart,
      deps
    );
    expect(router.carriesMarks).toBe(false); // installed at 0 by the engine, like the other object routers
    await router.prepare(10);
    expect(await weight()).toBe('10');
    await router.setWeight(50);
    expect(await weight()).toBe('50');
    await router.setWeight(50); // already there: no write
    expect(kube.patches).toHaveLength(2);
    for (const { ops } of kube.patches) {
      expect(ops[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: expect.any(String) });
      expect(ops[1].path).toBe('/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight');
    }
    // The release's values still say 0 (the install's weight): the Ingress is what counts.
    expect(await router.describe({ exists: true, weight: 0 })).toEqual({
      preset: 'ingress-nginx',
      target: 'Ingress shop/storefront-canary',
      weight: 50
    });
    await router.beforePromotion();
    await router.remove();
    expect(await weight()).toBe('0');
    expect(chart.calls).toEqual([]); // no Helm upgrade of the canary, not even the weight 0 before uninstall
  });

  test('a write that lost a race is read again and retried', async () => {
    const { kube, deps, weight } = setup();
    let raced = 0;
    kube.beforePatch = (name) => {
      if (raced++ === 0) kube.touch(INGRESS_RESOURCE, NS, name); // e.g. the controller updated its status
    };
    await chartIngressRouter(spec, deps).setWeight(30);
    expect(await weight()).toBe('30');
    expect(raced).toBe(2);
  });

  test('a patch the API server did not keep is an error, never a step that silently did nothing', async () => {
    const { kube, deps } = setup();
    const ignoring = Object.create(kube) as FakeKube;
    ignoring.jsonPatch = async <T>() => (await kube.get<T>(INGRESS_RESOURCE, NS, 'storefront-canary'))!;
    const router = chartIngressRouter(spec, { ...deps, kube: ignoring });
    await expect(router.setWeight(40)).rejects.toThrow(
      'Ingress shop/storefront-canary shows canary-weight 0 after it was patched to 40'
    );
  });

  test('a render without a canary Ingress, or an Ingress gone, is a named error', async () => {
    const none = setup([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'storefront-canary' } }]);
    await expect(chartIngressRouter(spec, none.deps).prepare(10)).rejects.toThrow(
      'routing ingress-nginx: release storefront-canary in shop renders no Ingress with nginx.ingress.kubernetes.io/canary: "true"'
    );
    expect((await chartIngressRouter(spec, none.deps).describe({ exists: true })).weight).toBeUndefined();

    const gone = setup();
    const router = chartIngressRouter(spec, gone.deps);
    await router.prepare(10);
    await gone.kube.delete(INGRESS_RESOURCE, NS, 'storefront-canary');
    await expect(router.setWeight(50)).rejects.toThrow(
      'the canary Ingress shop/storefront-canary of storefront-canary does not exist'
    );
    expect((await router.describe({ exists: true })).weight).toBeUndefined();
  });

  test('remove is safe to repeat, and a failed patch does not block the uninstall (it deletes the Ingress)', async () => {
    const { kube, deps, lines } = setup();
    const router = chartIngressRouter(spec, deps);
    await router.prepare(20);
    kube.jsonPatch = async () => {
      throw new Error('connection refused');
    };
    await router.remove();
    expect(lines.join('\n')).toMatch(
      /could not set Ingress shop\/storefront-canary to weight 0, uninstalling anyway: connection refused/
    );
    const gone = setup([]);
    await chartIngressRouter(spec, gone.deps).remove();
    expect(gone.kube.patches).toEqual([]);
  });

  test('with the chart not known (rollback without `chart`), removal zeroes the rendered canary Ingress', async () => {
    const { deps, weight } = setup();
    await chartIngressRouter(spec, deps).prepare(35);
    const chart = new RecordingChart();
    const router = ingressNginxRouter({ ...spec, release: 'storefront' }, chart, deps);
    expect((await router.describe({ exists: true, weight: 0 })).weight).toBe(35);
    await router.remove();
    expect(await weight()).toBe('0');
    expect(chart.calls).toEqual([]);
  });

  test('the engine installs at 0 through Helm; the steps and the removal go to the Ingress only', async () => {
    const { deps, weight } = setup();
    const deployer = new FakeDeployer();
    const router = ingressNginxRouter(
      { ...spec, release: 'storefront', canaryIngress: 'chart' },
      deployer,
      deps
    );
    const seen: string[] = [];
    const record = await runRollout(makeSpec({ steps: [10, 50], soakSeconds: 60 }), {
      deployer,
      router,
      marks: new FakeMarksStore(),
      sampler: {
        baseline: async () => ({ stable: {} }),
        sample: async () => {
          seen.push(String(await weight()));
          return healthySample();
        }
      },
      judge: new RuleJudge(),
      clock: new FakeClock(),
      reporter: new RecordingReporter(),
      log: new MemoryLogger()
    });
    expect(record.decision).toBe('promoted');
    expect(deployer.calls).toEqual(['installCanary 0', 'promoteStable', 'removeCanary']);
    expect(new Set(seen)).toEqual(new Set(['10', '50'])); // the soak saw the patched weights
    expect(await weight()).toBe('0'); // zeroed before the uninstall
  });
});
