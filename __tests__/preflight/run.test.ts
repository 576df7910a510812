import { runPreflight, preflightReason } from '../../src/preflight/run.js';
import { preflightTable } from '../../src/preflight/table.js';
import type { TrafficRouter } from '../../src/routing/types.js';
import { chartValuesRouter } from '../../src/routing/chart-values-router.js';
import { makeSpec } from '../helpers/fakes.js';
import { FakeCluster, FakeHelm, NOW_MS, TablePrometheus, manifest, series } from './fakes.js';

const noChart = { setWeight: async () => {}, zeroWeight: async () => {} };
const REQUESTS = 'http_requests_total{release="storefront"}';

function deps(
  helm = new FakeHelm(),
  router: TrafficRouter = chartValuesRouter('ingress-nginx', 'storefront-canary', noChart)
) {
  const metrics = new TablePrometheus({ [REQUESTS]: [series({ release: 'storefront' }, 100)] });
  return { helm, cluster: new FakeCluster(), metrics, router, now: () => NOW_MS };
}

// makeSpec: requests on release only, and no metrics of its own (rolloutSpec's analysis).
const spec = makeSpec({ steps: [10, 50, 100] });

describe('runPreflight', () => {
  it('passes a healthy setup and renders at the first step and at 0 for the routing check', async () => {
    const d = deps();
    const result = await runPreflight(spec, d);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.stable).toEqual({ exists: true, status: 'deployed', deployed: true, version: '1.0.0' });
    expect(d.helm.renders.sort()).toEqual([0, 10]);
    expect(result.lines.map((l) => `${l.check}:${l.status}`)).toEqual([
      'stable:ok',
      'render:ok',
      'collisions:ok',
      'collisions:ok',
      'routing:ok',
      'metrics:ok'
    ]);
    expect(result.lines.find((l) => l.check === 'routing')?.detail).toBe(
      'the render at 10% differs from 0% in Ingress storefront-canary'
    );
  });

  it('routing that changes nothing in the render is routing-has-no-effect', async () => {
    const helm = new FakeHelm();
    helm.render = () => manifest(['Service', 'storefront-canary'], ['Ingress', 'storefront-canary']);
    const result = await runPreflight(spec, deps(helm));
    expect(result.errors.map((e) => e.code)).toEqual(['routing-has-no-effect']);
    expect(result.errors[0].message).toMatch(/render of storefront-canary at 10% is the same as at 0%/);
  });

  it('a router without a preflight is shown as not checked', async () => {
    const router: TrafficRouter = {
      ...chartValuesRouter('istio', 'storefront-canary', noChart),
      preflight: undefined
    };
    const result = await runPreflight(spec, deps(new FakeHelm(), router));
    expect(result.ok).toBe(true);
    expect(result.lines.find((l) => l.check === 'routing')).toMatchObject({ status: 'skip' });
  });

  it('no stable: not an error (a first release), exposed as stable.exists, metrics skipped', async () => {
    const helm = new FakeHelm();
    helm.stable = { exists: false };
    const d = deps(helm);
    const result = await runPreflight(spec, d);
    expect(result.ok).toBe(true);
    expect(result.stable.exists).toBe(false);
    expect(result.lines.find((l) => l.check === 'metrics')).toMatchObject({ status: 'skip' });
    expect(d.metrics.queries).toEqual([]);
  });

  it('stable in a failed state is stable-not-deployed', async () => {
    const helm = new FakeHelm();
    helm.stable = { exists: true, status: 'failed', revision: 4 };
    const result = await runPreflight(spec, deps(helm));
    expect(result.errors.map((e) => e.code)).toEqual(['stable-not-deployed']);
    expect(result.stable.deployed).toBe(false);
  });

  it('a collision found by comparing with stable replaces Helm’s own conflict message', async () => {
    const helm = new FakeHelm();
    helm.render = () => {
      throw new Error(
        'Service "storefront" in namespace "shop" exists and cannot be imported into the current release'
      );
    };
    helm.template = (w) =>
      manifest(['Service', 'storefront'], ['Ingress', 'storefront-canary', undefined, { w }]);
    const result = await runPreflight(spec, deps(helm));
    expect(result.errors.map((e) => e.code)).toEqual(['release-objects-collide']);
    expect(result.errors[0].message).toContain('already has: Service shop/storefront');
  });

  it('every problem at once, in one reason, and a table for the log', async () => {
    const helm = new FakeHelm();
    helm.stable = { exists: true, status: 'pending-upgrade' };
    helm.render = () => manifest(['ClusterRole', 'reader'], ['Service', 'storefront']);
    const result = await runPreflight(spec, deps(helm));
    expect(result.errors.map((e) => e.code)).toEqual([
      'stable-not-deployed',
      'release-objects-collide',
      'cluster-scoped-object-shared',
      'routing-has-no-effect'
    ]);
    const reason = preflightReason(result);
    expect(reason).toMatch(/^Preflight found 4 problems before anything changed: \[stable-not-deployed\] /);
    expect(reason).toMatch(/Nothing was changed\.$/);
    const table = preflightTable(result.lines);
    expect(table.split('\n')[0]).toMatch(/^check\s+subject\s+status\s+found$/);
    expect(table).toMatch(/collisions\s+cluster-scoped\s+FAIL\s+ClusterRole reader/);
  });

  it('a read that fails (Prometheus down) is an error of its check, and the other checks still run', async () => {
    const d = deps();
    d.metrics.query = async () => {
      throw new Error('Prometheus at http://p did not answer');
    };
    const result = await runPreflight(spec, d);
    expect(result.errors.map((e) => e.code)).toEqual(['preflight-read-failed']);
    expect(result.lines.filter((l) => l.status === 'ok').length).toBeGreaterThan(3);
  });
});
