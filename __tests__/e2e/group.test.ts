// End to end, issue 13: the committed bundle releases the catalogue API and the storefront that calls
// it as one group (the `group` input), on the sandbox cluster. The storefront's pages call the API at
// http://catalogue.example.com, which the node agent's hosts files resolve to its gateway proxy and
// Traefik routes by the catalogue canary's Ingress weight. Every figure asserted here is what the
// demo read back from the cluster (sandbox/demo/group-scenarios.ts): Helm's release Secrets and the
// canary Ingresses' weights from its Kubernetes watches, and the catalogue canary's own counters in
// Prometheus. Each scenario takes one to two minutes.
import {
  DEMO_LOCK_WAIT_MS,
  FIGURE_FIELDS,
  cleanUp,
  runDemo,
  type DemoRun,
  type Figures
} from './run-demo.js';

const SCENARIOS = ['group', 'group-faulty-api'] as const;

interface ReleaseLine {
  release: string;
  canaryRelease: string;
  decision?: string;
  finalWeight?: number;
  stableVersionAfter: string | null;
  stableRevisionBefore: number | null;
  stableRevisionAfter: number | null;
  promotedAt: string | null;
  canaryInstalled: boolean;
  canaryMaxWeight: number;
  canaryPresentAfter: boolean;
}

type Outcome = Figures & {
  releases: ReleaseLine[];
  catalogueCanaryRequests: number;
  apiPromotedFirst?: boolean;
  storefrontCanaryHeldAtFirstStep?: boolean;
};

let demo: DemoRun | undefined;
const results = new Map<string, Outcome>();

beforeAll(
  async () => {
    demo = await runDemo(SCENARIOS, { killAfterMs: 12 * 60 * 1000 });
    for (const r of demo.results) results.set(r.scenario, r as Outcome);
  },
  13 * 60 * 1000 + DEMO_LOCK_WAIT_MS
);

afterAll(() => cleanUp(demo));

const line = (name: string, release: string): ReleaseLine =>
  results.get(name)!.releases.find((r) => r.release === release)!;

describe('a release group: the catalogue API and the storefront', () => {
  it('prints one JSON object per scenario with the common fields and releases, and the demo found no problem', () => {
    expect([...results.keys()]).toEqual([...SCENARIOS]);
    for (const r of results.values()) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining([...FIGURE_FIELDS, 'releases']));
      expect(r.releases.map((l) => l.release)).toEqual(['catalogue', 'storefront']);
    }
    for (const name of SCENARIOS) expect(demo!.details<{ problems: string[] }>(name).problems).toEqual([]);
  });

  it('group: both promoted, the API first, as the cluster shows', () => {
    const r = results.get('group')!;
    expect(r.decision).toBe('promoted');
    const api = line('group', 'catalogue');
    const storefront = line('group', 'storefront');
    expect(api).toMatchObject({
      decision: 'promoted',
      stableVersionAfter: '2.0.0',
      canaryPresentAfter: false
    });
    expect(storefront).toMatchObject({
      decision: 'promoted',
      stableVersionAfter: '2.1.0',
      canaryPresentAfter: false
    });
    // The promotion upgrades of the two stables, from Helm's release Secrets: the catalogue's first.
    expect(Date.parse(api.promotedAt!)).toBeLessThan(Date.parse(storefront.promotedAt!));
    expect(r.apiPromotedFirst).toBe(true);
    // The storefront's calls went through the Ingress weight the action moved: the API canary answered some.
    expect(r.catalogueCanaryRequests).toBeGreaterThan(0);
  });

  it('group-faulty-api: both rolled back, stables untouched, the storefront canary never past its first step', () => {
    const r = results.get('group-faulty-api')!;
    expect(r.decision).toBe('rolled-back');
    const api = line('group-faulty-api', 'catalogue');
    const storefront = line('group-faulty-api', 'storefront');
    for (const l of [api, storefront]) {
      expect(l.decision).toBe('rolled-back');
      expect(l.stableRevisionAfter).toBe(l.stableRevisionBefore);
      expect(l.stableVersionAfter).toBe('1.0.0');
      expect(l.canaryPresentAfter).toBe(false);
    }
    expect(api.canaryInstalled).toBe(true);
    expect(storefront.canaryMaxWeight).toBeLessThanOrEqual(10);
    expect(r.storefrontCanaryHeldAtFirstStep).toBe(true);
    expect(r.catalogueCanaryRequests).toBeGreaterThan(0);
  });
});
