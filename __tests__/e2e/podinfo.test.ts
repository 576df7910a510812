// End to end, issue 12: the committed bundle on a chart and an app nobody here wrote. podinfo's chart
// comes from the Go module cache, the node agent runs the built podinfo, Traefik routes by the canary
// annotations the action puts in the chart's ingress.annotations, and Prometheus scrapes podinfo's pods
// with plain kubernetes_sd (no release label). plain-ingress runs podinfo's image in a chart whose
// Ingress takes no annotations: the action brings the canary Ingress. Each scenario takes 30 to 60 s.
import {
  DEMO_LOCK_WAIT_MS,
  FIGURE_FIELDS,
  cleanUp,
  runDemo,
  type DemoRun,
  type Figures
} from './run-demo.js';

const SCENARIOS = ['podinfo', 'podinfo-faulty', 'podinfo-traefik-metrics', 'plain-ingress'] as const;

type Outcome = Figures & {
  podinfoStableVersion: string | null;
  podinfoCanaryLeft: boolean;
  traefikServices: string[];
  ingressesAfter: string[];
  podinfoLoad: { stable: number; canary: number; notFromAPod: number };
};

let demo: DemoRun | undefined;
const results = new Map<string, Outcome>();

beforeAll(
  async () => {
    demo = await runDemo(SCENARIOS, { killAfterMs: 10 * 60 * 1000 });
    for (const r of demo.results) results.set(r.scenario, r as Outcome);
  },
  11 * 60 * 1000 + DEMO_LOCK_WAIT_MS
);

afterAll(() => cleanUp(demo));

describe('podinfo, its own chart and metrics, in the sandbox', () => {
  it('prints one JSON object per scenario with the common fields, and the demo found no problem', () => {
    expect([...results.keys()]).toEqual([...SCENARIOS]);
    for (const r of results.values()) expect(Object.keys(r)).toEqual(expect.arrayContaining(FIGURE_FIELDS));
    for (const name of SCENARIOS) expect(demo!.details<{ problems: string[] }>(name).problems).toEqual([]);
    // Timed from the scenario's own releases (podinfo-canary, plain-canary), not the storefront's.
    for (const r of results.values()) expect(r.secondsToDecision).toBeGreaterThan(0);
  });

  it('podinfo: promoted on its own metrics (arms by pod name), stable runs the new version', () => {
    const r = results.get('podinfo')!;
    expect(r.decision).toBe('promoted');
    expect(r.podinfoStableVersion).toBe('6.9.1');
    expect(r.podinfoCanaryLeft).toBe(false);
    // The routing took effect: podinfo's own answers (the pod's name) came from both arms.
    expect(r.podinfoLoad.canary).toBeGreaterThan(0);
    expect(r.podinfoLoad.stable).toBeGreaterThan(0);
  });

  it.each(['podinfo-faulty', 'podinfo-traefik-metrics'])(
    '%s: the fault switch is rolled back, stable untouched, canary removed',
    (name) => {
      const r = results.get(name)!;
      expect(r.decision).toBe('rolled-back');
      expect(r.podinfoStableVersion).toBe('6.9.0');
      expect(r.podinfoCanaryLeft).toBe(false);
      expect(r.podinfoLoad.canary).toBeGreaterThan(0);
    }
  );

  it("Traefik names podinfo's services after stable's Ingress, Service and port", () => {
    expect(results.get('podinfo-traefik-metrics')!.traefikServices).toEqual([
      'default-podinfo-podinfo-9898-canary@kubernetesingressnginx',
      'default-podinfo-podinfo-9898@kubernetesingressnginx'
    ]);
  });

  it("plain-ingress: the action's own canary Ingress carried the canary's share, and is gone afterwards", () => {
    const r = results.get('plain-ingress')!;
    expect(r.decision).toBe('promoted');
    expect(r.podinfoStableVersion).toBe('6.9.4');
    expect(r.podinfoLoad.canary).toBeGreaterThan(0);
    // Traefik served a canary service for the action's Ingress (named after stable's, port `http`).
    expect(r.traefikServices).toContain('default-plain-web-plain-web-http-canary@kubernetesingressnginx');
    expect(r.ingressesAfter).toEqual(['plain-web', 'storefront']);
  });
});
