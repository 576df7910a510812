// The TrafficRouter port: every preset has a router, the chart-values presets move the weight through
// the canary release (one Helm upgrade per step, as before; ingress-nginx patches the Ingress instead), and the engine drives whichever router
// it is given without reaching past it to Helm.
import { createRouter, routingChartValues } from '../../src/routing/index.js';
import type { CanaryChart, TrafficRouter } from '../../src/routing/types.js';
import type { RoutingPreset } from '../../src/config/spec.js';
import { ROUTING_PRESETS } from '../../src/config/index.js';
import { runRollout } from '../../src/rollout/engine.js';
import { runCommand } from '../../src/rollout/commands.js';
import {
  FakeClock,
  FakeDeployer,
  FakeMarksStore,
  MemoryLogger,
  RecordingReporter,
  RuleJudge,
  ScriptedSampler,
  healthySample,
  makeSpec,
  routerDeps
} from '../helpers/fakes.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

class RecordingChart implements CanaryChart {
  calls: string[] = [];
  async setWeight(weight: number, marks: Record<string, string> = {}): Promise<void> {
    this.calls.push(`setWeight ${weight} ${marks.phase ?? '-'}`);
  }
  async zeroWeight(): Promise<void> {
    this.calls.push('zeroWeight');
  }
}

describe('routers', () => {
  // ingress-nginx patches the Ingress the chart renders (chart-ingress-router.test.ts).
  it.each(ROUTING_PRESETS.filter((p) => p !== 'gateway-api' && p !== 'istio' && p !== 'ingress-nginx'))(
    '%s: a router of that preset; steps, removal and read-back go through the canary release',
    async (routing) => {
      const chart = new RecordingChart();
      const spec = rolloutSpec({
        routing,
        weightValues: routing === 'values' ? [{ key: 'mesh.canaryPercent', value: '{{weight}}' }] : []
      });
      const router = createRouter(spec, routerDeps(chart));
      expect(router.preset).toBe(routing);
      await router.prepare(10);
      expect(chart.calls).toEqual([]); // installed with its values already: nothing more to write
      await router.setWeight(50, { phase: 'soaking' });
      await router.beforePromotion();
      await router.remove();
      expect(chart.calls).toEqual(['setWeight 50 soaking', 'zeroWeight']);
      expect(await router.describe({ exists: true, weight: 50 })).toEqual({
        preset: routing,
        target: 'chart values of storefront-canary',
        weight: 50
      });
      expect((await router.describe({ exists: false })).weight).toBeUndefined();
    }
  );

  it('chart values per preset: the canary.* contract, nginx annotations, or the user templates', () => {
    const keys = (routing: RoutingPreset) =>
      routingChartValues(
        rolloutSpec({
          routing,
          weightValues: routing === 'values' ? [{ key: 'mesh.canaryPercent', value: 'x{{ weight }}' }] : []
        }),
        25
      ).map((v) => `${v.key}=${v.value}`);
    expect(keys('ingress-nginx')).toEqual([
      'canary.enabled=true',
      'canary.weight=25',
      'canary.routing=ingress-nginx',
      'canary.stableRelease=storefront',
      'ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary=true',
      'ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight=25'
    ]);
    // The route object carries the weight, not the release.
    expect(keys('gateway-api')).toEqual([]);
    expect(keys('istio')).toEqual([]);
    for (const routing of ['replicas'] as const) {
      expect(keys(routing)).toEqual([
        'canary.enabled=true',
        'canary.weight=25',
        `canary.routing=${routing}`,
        'canary.stableRelease=storefront'
      ]);
    }
    expect(keys('values')).toEqual(['mesh.canaryPercent=x25']);
  });

  it('refuses a weight outside 0..100 and `values` without templates', () => {
    expect(() => routingChartValues(rolloutSpec({ routing: 'gateway-api' }), -1)).toThrow('got -1');
    expect(() => routingChartValues(rolloutSpec(), 101)).toThrow(
      'canary weight must be an integer in 0..100, got 101'
    );
    expect(() => routingChartValues(rolloutSpec({ routing: 'values' }), 1.5)).toThrow('got 1.5');
    expect(() => routingChartValues(rolloutSpec({ routing: 'values', weightValues: [] }), 5)).toThrow(
      'input `weight-values` is required with `routing: values`'
    );
  });
});

describe('the engine and its router', () => {
  /** A router that owns its object: it records what the engine asks, and never touches Helm. */
  class ObjectRouter implements TrafficRouter {
    readonly preset = 'gateway-api' as const;
    readonly carriesMarks = false;
    calls: string[] = [];
    weight = 0;
    async prepare(weight: number): Promise<void> {
      this.calls.push(`prepare ${weight}`);
      this.weight = weight;
    }
    async setWeight(weight: number): Promise<void> {
      this.calls.push(`setWeight ${weight}`);
      this.weight = weight;
    }
    async remove(): Promise<void> {
      this.calls.push('remove');
      this.weight = 0;
    }
    /** Also written to `order`, to see it next to the deployer's calls. */
    order?: string[];
    async beforePromotion(): Promise<void> {
      this.calls.push('beforePromotion');
      this.order?.push('router beforePromotion');
      this.weight = 0;
    }
    async describe() {
      return { preset: this.preset, target: 'HTTPRoute shop/storefront', weight: this.weight };
    }
  }

  it('installs the release, then has the router prepare, step and remove; Helm only installs, promotes and uninstalls', async () => {
    const deployer = new FakeDeployer();
    const router = new ObjectRouter();
    const record = await runRollout(makeSpec({ steps: [10, 50], soakSeconds: 60 }), {
      deployer,
      router,
      marks: new FakeMarksStore(),
      sampler: new ScriptedSampler(() => healthySample()),
      judge: new RuleJudge(),
      clock: new FakeClock(),
      reporter: new RecordingReporter(),
      log: new MemoryLogger()
    });
    expect(record.decision).toBe('promoted');
    expect(router.calls).toEqual(['prepare 10', 'setWeight 50', 'beforePromotion', 'remove']);
    // Installed at 0: the router gives it its first share, so the weight costs no second Helm revision.
    expect(deployer.calls).toEqual(['installCanary 0', 'promoteStable', 'removeCanary']);
  });

  it('hands the route back before stable is upgraded; a failed hand-back is a failed promotion that rolls back', async () => {
    const deployer = new FakeDeployer();
    const router = new ObjectRouter();
    router.order = deployer.calls;
    const deps = {
      deployer,
      router,
      marks: new FakeMarksStore(),
      sampler: new ScriptedSampler(() => healthySample()),
      judge: new RuleJudge(),
      clock: new FakeClock(),
      reporter: new RecordingReporter(),
      log: new MemoryLogger()
    };
    await runRollout(makeSpec({ steps: [100], soakSeconds: 60 }), deps);
    expect(deployer.calls).toEqual([
      'installCanary 0',
      'router beforePromotion',
      'promoteStable',
      'removeCanary'
    ]);

    const failing = new FakeDeployer();
    const stuck = new ObjectRouter();
    stuck.beforePromotion = async () => {
      throw new Error('kubectl apply: connection refused');
    };
    const record = await runRollout(makeSpec({ steps: [100], soakSeconds: 60 }), {
      ...deps,
      deployer: failing,
      router: stuck
    });
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(/Promotion of storefront to .* failed: kubectl apply: connection refused/);
    expect(failing.calls).toEqual(['installCanary 0', 'removeCanary']); // stable never upgraded
    expect(stuck.calls).toEqual(['prepare 100', 'remove']);
  });

  it('reads the weight back from the router when the removal fails', async () => {
    const deployer = new FakeDeployer();
    const router = new ObjectRouter();
    router.remove = async () => {
      router.calls.push('remove');
      router.weight = 5; // what the route still gives the canary
      throw new Error('HTTPRoute shop/storefront: connection refused');
    };
    const record = await runRollout(makeSpec({ steps: [30], soakSeconds: 60 }), {
      deployer,
      router,
      marks: new FakeMarksStore(),
      sampler: new ScriptedSampler(() => healthySample(20)),
      judge: new RuleJudge(),
      clock: new FakeClock(),
      reporter: new RecordingReporter(),
      log: new MemoryLogger()
    });
    expect(record.decision).toBe('rolled-back');
    expect(router.calls.filter((c) => c === 'remove')).toHaveLength(3);
    expect(deployer.calls).not.toContain('removeCanary'); // never uninstalled while traffic still flows to it
    expect(record.incomplete).toMatch(/still deployed at 5%.*connection refused/);
  });

  it('the marks are on the lease: the pause is marked there (no Helm write), the lease covers every step, and a later run resumes from the weight the router reads back', async () => {
    const deployer = new FakeDeployer();
    const router = new ObjectRouter();
    const clock = new FakeClock();
    const store = new FakeMarksStore();
    const deps = {
      deployer,
      router,
      marks: store,
      sampler: new ScriptedSampler(() => healthySample()),
      judge: new RuleJudge(),
      clock,
      reporter: new RecordingReporter(),
      log: new MemoryLogger()
    };
    const spec = makeSpec({ steps: [10, 50, 100], soakSeconds: 60, decision: 'manual' });
    const first = await runCommand(spec, deps, { holder: 'run-1' });
    expect(first.record.decision).toBe('paused');
    expect(router.calls).toEqual(['prepare 10']);
    // An object router: the release is installed at 0 and the route gets the weight; the pause is on the lease.
    expect(deployer.calls).toEqual(['installCanary 0']);
    expect(store.marks?.phase).toBe('paused');
    const step =
      spec.soakSeconds +
      spec.analysis.maxExtraSoakSeconds +
      4 * spec.intervalSeconds +
      spec.helmTimeoutSeconds;
    // Written at the pause, one 60 s step after the start.
    const leaseSeconds = (Date.parse(store.marks!.leaseUntil) - clock.now()) / 1000;
    expect(leaseSeconds).toBe(3 * step + 60); // not one step: nothing renews it
    // The route is what routes: the next run resumes from the weight it reads back there.
    router.weight = 50;
    router.calls = [];
    const second = await runCommand(spec, deps, { holder: 'run-2' });
    expect(second.record.decision).toBe('promoted');
    expect(router.calls).toEqual(['setWeight 100', 'beforePromotion', 'remove']);
  });
});
