// The demo's podinfo scenarios (issue 12): the action on a chart and an app nobody here wrote. podinfo's
// chart comes from the Go module cache (the sandbox build's manifest names it; never copied into the
// project), and the node agent runs the built podinfo for its image. Stable podinfo is installed first
// and gets its own load on its own host; the action then runs a canary of it.
//   podinfo                  healthy, routed by the canary annotations in the chart's ingress.annotations,
//                            judged on podinfo's own metrics (arms by pod name, status label `status`)
//   podinfo-faulty           the chart's fault switch (faults.error=true: a third of requests 500/400/409)
//   podinfo-traefik-metrics  the same faulty canary judged only on Traefik's counters (metrics-source: traefik)
import { readManifest } from '../build/manifest.js';
import { createLoadGenerator, diffSnapshots, type LoadGenerator, type Snapshot } from '../loadgen/loadgen.js';
import { podinfoIdentity, podinfoSession } from '../loadgen/podinfo.js';
import { readRelease } from './cluster-reads.js';
import type { DemoContext, Scenario } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const RELEASE = 'podinfo';
const CANARY = `${RELEASE}-canary`;
const HOST = 'podinfo.example.com';
const VALUES = 'sandbox/demo/podinfo-values.yaml';
const STABLE_VERSION = '6.9.0';

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

/** Installs stable podinfo, points load at its host, and gives Prometheus a baseline of it. */
async function setup(ctx: DemoContext, run: PodinfoRun): Promise<void> {
  const chart = readManifest().podinfoChart;
  Object.assign(ctx.inputs, { release: RELEASE, chart, values: VALUES });
  await helmOk(
    ctx,
    [
      'upgrade',
      '--install',
      RELEASE,
      chart,
      '--namespace',
      ctx.namespace,
      '-f',
      VALUES,
      '--set',
      `image.tag=${STABLE_VERSION}`,
      '--wait',
      '--timeout',
      '60s'
    ],
    'installing stable podinfo'
  );
  ctx.note(`stable ${RELEASE} ${STABLE_VERSION} installed from ${chart}`);
  const url = ctx.client.info.ingress;
  run.load = createLoadGenerator({
    url,
    rps: 30,
    host: HOST,
    seed: 11,
    session: podinfoSession,
    identify: podinfoIdentity(RELEASE)
  });
  run.load.start();
  run.before = run.load.snapshot();
  await sleep(6000); // a few scrapes of stable's counters before the canary
}

/** What the cluster and the load show after the run. */
async function fields(ctx: DemoContext, run: PodinfoRun): Promise<Record<string, unknown>> {
  const stable = await readRelease(ctx, RELEASE);
  const canary = await readRelease(ctx, CANARY);
  const window = run.load && run.before ? diffSnapshots(run.before, run.load.snapshot()) : undefined;
  const track = (name: string) => window?.tracks[name];
  return {
    podinfoStableVersion: stable.exists ? stable.version : null,
    traefikServices: await traefikServices(ctx),
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
async function traefikServices(ctx: DemoContext): Promise<string[]> {
  const url = new URL('/api/v1/series', ctx.client.info.prometheus);
  url.searchParams.set('match[]', 'traefik_service_requests_total{service=~".*podinfo.*"}');
  const response = await fetch(url);
  const body = (await response.json()) as { data?: Array<{ service?: string }> };
  return [...new Set((body.data ?? []).map((series) => series.service ?? ''))].sort();
}

function check(ctx: DemoContext, got: Record<string, unknown>, stableVersion: string): void {
  if (got.podinfoCanaryLeft) ctx.fail(`the action left ${CANARY} installed`);
  if (got.podinfoStableVersion !== stableVersion)
    ctx.fail(`stable podinfo runs ${String(got.podinfoStableVersion)}, expected ${stableVersion}`);
  const load = got.podinfoLoad as { canary: number };
  if (load.canary === 0) ctx.fail('no podinfo request reached the canary: the routing did not take effect');
}

/** Stops the load and removes both podinfo releases, whatever the run left. */
async function after(ctx: DemoContext, run: PodinfoRun): Promise<void> {
  await run.load?.stop(5000);
  for (const release of [CANARY, RELEASE]) {
    if ((await readRelease(ctx, release)).exists)
      await ctx.helm(['uninstall', release, '--namespace', ctx.namespace, '--wait']);
  }
}

function podinfoScenario(
  s: Pick<Scenario, 'title' | 'version' | 'expected' | 'set' | 'evidence'> & { analysis: string }
): Scenario {
  const run: PodinfoRun = {};
  const promotes = s.expected[0] === 'promoted';
  return {
    title: s.title,
    version: s.version,
    expected: s.expected,
    set: s.set,
    ...(s.evidence && { evidence: s.evidence }),
    inputs: { steps: '50,100', soak: '20s', analysis: s.analysis },
    setup: (ctx) => setup(ctx, run),
    async fields(ctx) {
      const got = await fields(ctx, run);
      check(ctx, got, promotes ? s.version : STABLE_VERSION);
      return got;
    },
    after: (ctx) => after(ctx, run)
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
  })
};
