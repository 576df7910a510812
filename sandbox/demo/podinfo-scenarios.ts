// The demo's podinfo scenarios (issue 12): the action on a chart and an app nobody here wrote. podinfo's
// chart comes from the Go module cache (the sandbox build's manifest names it; never copied into the
// project), and the node agent runs the built podinfo for its image. Stable podinfo is installed first
// and gets its own load on its own host; the action then runs a canary of it.
//   podinfo                  healthy, routed by the canary annotations in the chart's ingress.annotations,
//                            judged on podinfo's own metrics (arms by pod name, status label `status`)
//   podinfo-faulty           the chart's fault switch (faults.error=true: a third of requests 500/400/409)
//   podinfo-traefik-metrics  the same faulty canary judged only on Traefik's counters (metrics-source: traefik)
//   plain-ingress            podinfo's image in a chart whose Ingress takes no annotations
//                            (plain-ingress-chart/): the action creates, moves and deletes the canary Ingress
import { NetworkingV1Api } from '@kubernetes/client-node';
import { readManifest } from '../build/manifest.js';
import { createLoadGenerator, diffSnapshots, type LoadGenerator, type Snapshot } from '../loadgen/loadgen.js';
import { podinfoIdentity, podinfoSession } from '../loadgen/podinfo.js';
import { readRelease } from './cluster-reads.js';
import type { DemoContext, Scenario } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const STABLE_VERSION = '6.9.0';

/** The app under test: podinfo's own chart, or the plain-ingress fixture chart running podinfo's image. */
interface App {
  release: string;
  canary: string;
  host: string;
  chart: () => string;
  /** -f for both releases ('' for none). */
  values: string;
  stableDeployment: string;
  canaryDeployment: string;
}

const PODINFO: App = {
  release: 'podinfo',
  canary: 'podinfo-canary',
  host: 'podinfo.example.com',
  chart: () => readManifest().podinfoChart,
  values: 'sandbox/demo/podinfo-values.yaml',
  stableDeployment: 'podinfo',
  canaryDeployment: 'podinfo-canary'
};

const PLAIN: App = {
  release: 'plain',
  canary: 'plain-canary',
  host: 'plain.example.com',
  chart: () => 'sandbox/demo/plain-ingress-chart',
  values: '',
  stableDeployment: 'plain-web',
  canaryDeployment: 'plain-canary-web'
};

/** podinfo's metrics without a `release` label: arms by pod name; podinfo has no conversion. */
const APP_ANALYSIS = [
  'names:',
  '  pod-label: pod',
  '  status-code-label: status',
  'metrics:',
  '  - name: conversion',
  '    enabled: false',
  ''
].join('\n');

interface PodinfoRun {
  load?: LoadGenerator;
  before?: Snapshot;
}

async function helmOk(ctx: DemoContext, args: string[], what: string): Promise<void> {
  const result = await ctx.helm(args);
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr.trim()}`);
}

/** Installs stable, points load at its host, and gives Prometheus a baseline of it. */
async function setup(ctx: DemoContext, run: PodinfoRun, app: App): Promise<void> {
  const chart = app.chart();
  Object.assign(ctx.inputs, { release: app.release, chart, values: app.values });
  await helmOk(
    ctx,
    [
      'upgrade',
      '--install',
      app.release,
      chart,
      '--namespace',
      ctx.namespace,
      ...(app.values ? ['-f', app.values] : []),
      '--set',
      `image.tag=${STABLE_VERSION}`,
      '--wait',
      '--timeout',
      '60s'
    ],
    'installing stable podinfo'
  );
  ctx.note(`stable ${app.release} ${STABLE_VERSION} installed from ${chart}`);
  const url = ctx.client.info.ingress;
  run.load = createLoadGenerator({
    url,
    rps: 30,
    host: app.host,
    seed: 11,
    session: podinfoSession,
    identify: podinfoIdentity(app.stableDeployment, app.canaryDeployment)
  });
  run.load.start();
  run.before = run.load.snapshot();
  await sleep(6000); // a few scrapes of stable's counters before the canary
}

/** What the cluster and the load show after the run. */
async function fields(ctx: DemoContext, run: PodinfoRun, app: App): Promise<Record<string, unknown>> {
  const stable = await readRelease(ctx, app.release);
  const canary = await readRelease(ctx, app.canary);
  const window = run.load && run.before ? diffSnapshots(run.before, run.load.snapshot()) : undefined;
  const track = (name: string) => window?.tracks[name];
  return {
    podinfoStableVersion: stable.exists ? stable.version : null,
    traefikServices: await traefikServices(ctx, app.release),
    ingressesAfter: await ingressNames(ctx),
    podinfoCanaryLeft: canary.exists,
    podinfoLoad: {
      stable: track('stable')?.requests ?? 0,
      canary: track('canary')?.requests ?? 0,
      canary5xx: track('canary')?.status5xx ?? 0,
      notFromAPod: track('unknown')?.requests ?? 0
    }
  };
}

/** The Traefik services that counted podinfo's requests, as the sandbox's Prometheus has them. */
async function traefikServices(ctx: DemoContext, release: string): Promise<string[]> {
  const url = new URL('/api/v1/series', ctx.client.info.prometheus);
  url.searchParams.set('match[]', `traefik_service_requests_total{service=~".*${release}.*"}`);
  const response = await fetch(url);
  const body = (await response.json()) as { data?: Array<{ service?: string }> };
  return [...new Set((body.data ?? []).map((series) => series.service ?? ''))].sort();
}

/** The Ingresses in the namespace, through the Kubernetes API. */
async function ingressNames(ctx: DemoContext): Promise<string[]> {
  const api = ctx.client.kubeconfig.makeApiClient(NetworkingV1Api);
  const list = await api.listNamespacedIngress({ namespace: ctx.namespace });
  return list.items.map((ingress) => ingress.metadata?.name ?? '').sort();
}

function check(ctx: DemoContext, got: Record<string, unknown>, stableVersion: string, app: App): void {
  if (got.podinfoCanaryLeft) ctx.fail(`the action left ${app.canary} installed`);
  const left = (got.ingressesAfter as string[]).filter((name) => name.includes('canary'));
  if (left.length > 0) ctx.fail(`canary Ingresses left behind: ${left.join(', ')}`);
  if (got.podinfoStableVersion !== stableVersion)
    ctx.fail(`stable podinfo runs ${String(got.podinfoStableVersion)}, expected ${stableVersion}`);
  const load = got.podinfoLoad as { canary: number };
  if (load.canary === 0) ctx.fail('no podinfo request reached the canary: the routing did not take effect');
}

/** Stops the load and removes both podinfo releases, whatever the run left. */
async function after(ctx: DemoContext, run: PodinfoRun, app: App): Promise<void> {
  await run.load?.stop(5000);
  for (const release of [app.canary, app.release]) {
    if ((await readRelease(ctx, release)).exists)
      await ctx.helm(['uninstall', release, '--namespace', ctx.namespace, '--wait']);
  }
}

function podinfoScenario(
  s: Pick<Scenario, 'title' | 'version' | 'expected' | 'set' | 'evidence'> & { analysis: string; app?: App }
): Scenario {
  const app = s.app ?? PODINFO;
  const run: PodinfoRun = {};
  const promotes = s.expected[0] === 'promoted';
  return {
    title: s.title,
    version: s.version,
    expected: s.expected,
    set: s.set,
    ...(s.evidence && { evidence: s.evidence }),
    figuresFollow: { stableRelease: app.release, canaryRelease: app.canary },
    inputs: { steps: '50,100', soak: '20s', analysis: s.analysis },
    setup: (ctx) => setup(ctx, run, app),
    async fields(ctx) {
      const got = await fields(ctx, run, app);
      check(ctx, got, promotes ? s.version : STABLE_VERSION, app);
      return got;
    },
    after: (ctx) => after(ctx, run, app)
  };
}

export const PODINFO_SCENARIOS: Record<string, Scenario> = {
  podinfo: podinfoScenario({
    title: 'a healthy podinfo 6.9.1 canary (its own chart, ingress.annotations) judged on its own metrics',
    version: '6.9.1',
    expected: ['promoted'],
    set: [],
    analysis: APP_ANALYSIS
  }),
  'podinfo-faulty': podinfoScenario({
    title: "a podinfo 6.9.2 canary with the chart's fault switch on (faults.error=true)",
    version: '6.9.2',
    expected: ['rolled-back'],
    set: ['faults.error=true'],
    analysis: APP_ANALYSIS,
    // The judge's verdict on the 5xx rate, not a no-data rollback.
    evidence: /rolled back: 5xx rate \d+(\.\d+)?% on canary/i
  }),
  'podinfo-traefik-metrics': podinfoScenario({
    title: 'the same faulty podinfo canary judged only on Traefik metrics (metrics-source: traefik)',
    version: '6.9.3',
    expected: ['rolled-back'],
    set: ['faults.error=true'],
    analysis: 'metrics-source: traefik\n',
    evidence: /rolled back: 5xx rate \d+(\.\d+)?% on canary/i
  }),
  'plain-ingress': podinfoScenario({
    title: 'a healthy canary of a chart without ingress.annotations: the action brings the canary Ingress',
    version: '6.9.4',
    expected: ['promoted'],
    set: [],
    analysis: APP_ANALYSIS,
    app: PLAIN
  })
};
