// The demo's scenarios: each one a real canary run of the action against the sandbox cluster, with what it
// deploys, what must come out, and (for some) what happens to the world while it runs.
//   expected: acceptable decisions (the first is the canonical one); where the issue allows two paths
//             (crash: the judge's sample-ratio check or Helm's --wait) both are listed.
//   evidence: what the job summary must name (the metric or cause behind a rollback).

import { GATEWAY_API_BYO } from './gateway-api-byo.js';
import { GROUP_SCENARIOS } from './group-scenarios.js';
import { OUTCOME_SCENARIOS } from './outcome-scenarios.js';
import { PREFLIGHT_SCENARIOS } from './preflight-scenarios.js';
import { firstRelease } from './first-release-scenario.js';
import { PODINFO_SCENARIOS } from './podinfo-scenarios.js';
import { storefrontHelmArgs } from './storefront-helm.js';
import type { DemoContext, Scenario } from './types.js';
import { WAVE_SCENARIOS } from './wave-scenarios.js';
import { WORKFLOW_SCENARIOS } from './workflow-scenarios.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once Helm stores the canary release in the cluster (or after `timeoutMs`). */
async function canaryInstalled(ctx: DemoContext, timeoutMs = 60000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await ctx.client.release(ctx.namespace, ctx.canaryRelease)) return true;
    await sleep(250);
  }
  return false;
}

/** The storefront chart's canary.* contract for its Gateway API route, as `routing: values`. */
const GATEWAY_API_CONTRACT = {
  routing: 'values',
  'weight-values': 'canary.enabled=true\ncanary.weight={{weight}}\ncanary.routing=gateway-api'
};

export const SCENARIOS: Record<string, Scenario> = {
  healthy: {
    title: 'a healthy v2 on the ladder 10,50,100 with short soaks',
    version: '2.0.0',
    expected: ['promoted'],
    set: []
  },
  faulty: {
    title: 'a faulty v3: 8% of requests 5xx and +250 ms',
    version: '3.0.0',
    expected: ['rolled-back'],
    set: ['faults.errorRate=0.08', 'faults.latencyMs=250'],
    evidence: /5xx|error/i
  },
  latency: {
    title: 'a slower v3.1 (+300 ms on every request, no errors)',
    version: '3.1.0',
    expected: ['rolled-back'],
    set: ['faults.latencyMs=300'],
    evidence: /latency|p9\d/i
  },
  conversion: {
    title: 'a v3.2 whose checkouts fail 60% of the time (200 pages, no 5xx)',
    version: '3.2.0',
    expected: ['rolled-back'],
    set: ['faults.checkoutFailureRate=0.6'],
    inputs: { steps: '50,100', soak: '40s' },
    evidence: /conversion/i
  },
  crash: {
    title: 'a v3.3 that exits 6 s after start-up (and again after each restart)',
    version: '3.3.0',
    expected: ['rolled-back', 'failed'],
    set: ['faults.crashAfterSeconds=6'],
    evidence: /traffic|sample|ratio|request|crash|ready|helm|timed out|deadline/i
  },
  'prometheus-down': {
    title: 'a healthy v2.1 while Prometheus is frozen mid-soak',
    version: '2.1.0',
    // An outage is never blamed on the canary (issue 10): failed, naming Prometheus.
    expected: ['failed'],
    set: [],
    evidence: /prometheus|metrics|unavailable/i,
    async during(ctx) {
      if (!(await canaryInstalled(ctx))) return;
      await sleep(8000);
      ctx.note('freezing Prometheus (SIGSTOP): it keeps its port and answers nothing');
      await ctx.client.stopPrometheus();
    },
    async after(ctx) {
      ctx.note('Prometheus carries on (SIGCONT)');
      await ctx.client.startPrometheus();
      await sleep(3000);
    }
  },
  header: {
    title: 'a dark launch: only X-Canary: always traffic reaches v2.2 before weights move, then the canary',
    version: '2.2.0',
    expected: ['promoted'],
    set: [],
    inputs: { steps: '50,100', soak: '15s' },
    /** Canary at weight 0 with internal users sending X-Canary: always; counts the arms from the storefront's answers. */
    async before(ctx) {
      const install = await ctx.helm(
        storefrontHelmArgs(ctx, ['upgrade', '--install'], ctx.canaryRelease, this.version, [
          `canary.enabled=true,canary.weight=0,canary.stableRelease=${ctx.stableRelease}`
        ])
      );
      if (install.status !== 0) throw new Error(`dark launch install failed: ${install.stderr}`);
      const start = ctx.loadgen.snapshot();
      ctx.loadgen.setTargeting({ share: 0.2, headers: { 'x-canary': 'always' } });
      await sleep(12000);
      ctx.loadgen.setTargeting({ share: 0 });
      await sleep(2000);
      const end = ctx.loadgen.snapshot();
      const d = (track: string, key: 'requests' | 'targeted'): number =>
        (end.tracks[track]?.[key] ?? 0) - (start.tracks[track]?.[key] ?? 0);
      const check: Record<string, number | boolean> = {
        canaryRequests: d('canary', 'requests'),
        canaryRequestsWithoutHeader: d('canary', 'requests') - d('canary', 'targeted'),
        headerRequestsOnStable: d('stable', 'targeted')
      };
      check.ok =
        Number(check.canaryRequests) > 0 &&
        check.canaryRequestsWithoutHeader === 0 &&
        check.headerRequestsOnStable === 0;
      ctx.note(
        `dark launch at weight 0: ${check.canaryRequests} requests reached the canary, ` +
          `${check.canaryRequestsWithoutHeader} of them without the header; ${check.headerRequestsOnStable} header requests went to stable`
      );
      ctx.details.darkLaunch = check;
      if (!check.ok)
        ctx.fail(
          'header targeting: traffic without X-Canary reached the canary, or header traffic missed it'
        );
      const removal = await ctx.helm([
        'uninstall',
        ctx.canaryRelease,
        '--namespace',
        ctx.namespace,
        '--wait'
      ]);
      if (removal.status !== 0) throw new Error(`dark launch uninstall failed: ${removal.stderr}`);
    }
  },
  // The storefront chart's canary.* contract for Gateway API (routing: values): the canary release renders
  // an HTTPRoute whose backendRef weights split the host's traffic between the stable and the canary
  // Service; Traefik's Gateway API provider routes it. (routing: gateway-api edits a route: gateway-api-byo.)
  'gateway-api': {
    title:
      'a healthy v2.11 whose traffic Traefik splits by the canary HTTPRoute of the chart contract (routing: values)',
    version: '2.11.0',
    expected: ['promoted'],
    set: [],
    inputs: GATEWAY_API_CONTRACT
  },
  'gateway-api-faulty': {
    title: "a faulty v3.11 (8% 5xx, +250 ms) behind the chart contract's canary HTTPRoute",
    version: '3.11.0',
    expected: ['rolled-back'],
    set: ['faults.errorRate=0.08', 'faults.latencyMs=250'],
    inputs: GATEWAY_API_CONTRACT,
    evidence: /5xx|error/i
  },
  ...WORKFLOW_SCENARIOS,
  ...OUTCOME_SCENARIOS,
  ...PREFLIGHT_SCENARIOS,
  'gateway-api-byo': GATEWAY_API_BYO,
  'first-release': firstRelease,
  ...GROUP_SCENARIOS,
  ...PODINFO_SCENARIOS,
  ...WAVE_SCENARIOS
};

export const DEFAULT_SCENARIOS = ['healthy', 'faulty'];
