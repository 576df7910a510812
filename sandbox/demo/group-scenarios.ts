// The demo's release-group scenarios (issue 13): the catalogue API and the storefront that calls it,
// released as one canary with the `group` input, the API first (`after: [catalogue]`).
//   group             both healthy: both promoted, the catalogue's promotion before the storefront's
//   group-faulty-api  the catalogue canary answers 30% 500s: both rolled back, and the storefront
//                     canary never got past its first step (or was never installed)
// Setup installs the catalogue's stable and points the storefront's stable at it (catalogue.url), so
// every storefront page calls the API through Traefik, where the catalogue canary's Ingress weight
// gives the canary its share. Every check below reads the cluster (Helm's release Secrets and the
// canary Ingresses' weights, from the demo's Kubernetes watches), not the action's word; the action's
// `releases` output is reported beside it. The after hook puts the storefront back on its built-in
// catalogue and removes the catalogue, so the other scenarios run as before.
import fs from 'node:fs';
import { stringify } from 'yaml';
import { readRelease } from './cluster-reads.js';
import { storefrontHelmArgs } from './storefront-helm.js';
import type { ReleaseEvent, WeightEntry } from './cluster-watch.js';
import type { DemoContext, Scenario, StepResult } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CATALOGUE = 'catalogue';
const CATALOGUE_CANARY = 'catalogue-canary';
const CATALOGUE_CHART = 'charts/catalogue';
const CATALOGUE_VALUES = 'sandbox/demo/catalogue-values.yaml';
/** The catalogue's Ingress host: pods resolve it to the node's gateway proxy (docs/sandbox.md). */
const CATALOGUE_URL = 'http://catalogue.example.com';
const STABLE_VERSION = '1.0.0';
const CATALOGUE_VERSION = '2.0.0';
const STOREFRONT_VERSION = '2.1.0';
const STEPS = [10, 50, 100];
/** The common figures follow the catalogue: its install starts the group, and its canary decides a bad API. */
const FIGURES_FOLLOW = { stableRelease: CATALOGUE, canaryRelease: CATALOGUE_CANARY };

interface ReleaseOutput {
  release: string;
  canaryRelease?: string;
  version?: string;
  decision?: string;
  reason?: string;
  finalWeight?: number;
  previousRevision?: number | string | null;
}

/** One release of the group as the scenario reports it: the action's line, then what the cluster shows. */
interface ReleaseLine extends ReleaseOutput {
  stableVersionAfter: string | null;
  stableRevisionBefore: number | null;
  stableRevisionAfter: number | null;
  promotedAt: string | null;
  canaryInstalled: boolean;
  canaryInstalledAt: string | null;
  canaryMaxWeight: number;
  canaryPresentAfter: boolean;
}

async function helmOk(ctx: DemoContext, what: string, argv: string[]): Promise<void> {
  const result = await ctx.helm(argv);
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr.trim()}`);
}

/** The group file of the scenario: the catalogue first, the storefront after it. */
function writeGroupFile(ctx: DemoContext, catalogueSet: string[]): string {
  const file = ctx.dirOf('group.yaml');
  const group = {
    releases: [
      {
        release: CATALOGUE,
        chart: CATALOGUE_CHART,
        version: CATALOGUE_VERSION,
        'version-key': 'image.tag',
        values: [CATALOGUE_VALUES],
        ...(catalogueSet.length > 0 && { set: catalogueSet }),
        // The API has no sessions or checkouts: no conversion metric for it.
        metrics: [{ name: 'conversion', enabled: false }]
      },
      {
        release: ctx.stableRelease,
        chart: ctx.chart,
        version: STOREFRONT_VERSION,
        values: [ctx.valuesFile],
        set: [`catalogue.url=${CATALOGUE_URL}`],
        after: [CATALOGUE]
      }
    ]
  };
  fs.writeFileSync(file, stringify(group));
  return file;
}

async function stableRevision(ctx: DemoContext, release: string): Promise<number | null> {
  const read = await readRelease(ctx, release);
  return read.exists ? read.revision : null;
}

/** Stable catalogue v1, and the storefront's stable calling it; then a baseline in Prometheus. */
async function setUpStables(ctx: DemoContext, catalogueSet: string[]): Promise<void> {
  await helmOk(ctx, 'installing the catalogue stable', [
    'upgrade',
    '--install',
    CATALOGUE,
    CATALOGUE_CHART,
    '--namespace',
    ctx.namespace,
    '-f',
    CATALOGUE_VALUES,
    '--set',
    `image.tag=${STABLE_VERSION}`,
    '--wait',
    '--timeout',
    '60s'
  ]);
  await helmOk(
    ctx,
    'pointing the storefront stable at the catalogue API',
    storefrontHelmArgs(ctx, ['upgrade'], ctx.stableRelease, STABLE_VERSION, [
      `catalogue.url=${CATALOGUE_URL}`
    ])
  );
  ctx.note(
    `catalogue ${STABLE_VERSION} installed; storefront ${STABLE_VERSION} calls it at ${CATALOGUE_URL}`
  );
  // Stable's series for both releases before the action's preflight looks for them.
  await sleep(8000);
  ctx.details.stableRevisionsAtSetup = {
    [CATALOGUE]: await stableRevision(ctx, CATALOGUE),
    [ctx.stableRelease]: await stableRevision(ctx, ctx.stableRelease)
  };
  const file = writeGroupFile(ctx, catalogueSet);
  // A group names its releases in the file: the single-release inputs of the demo are cleared.
  Object.assign(ctx.inputs, { group: file, release: '', chart: '', version: '', values: '', set: '' });
}

/** Back to the world the other scenarios expect: the storefront on its built-in catalogue, no catalogue. */
async function tearDown(ctx: DemoContext): Promise<void> {
  const stable = await readRelease(ctx, ctx.stableRelease);
  const version = stable.exists && stable.version ? stable.version : STABLE_VERSION;
  await helmOk(
    ctx,
    'restoring the storefront stable',
    storefrontHelmArgs(ctx, ['upgrade'], ctx.stableRelease, version)
  );
  for (const release of [CATALOGUE_CANARY, CATALOGUE]) {
    if ((await readRelease(ctx, release)).exists) {
      await helmOk(ctx, `removing ${release}`, [
        'uninstall',
        release,
        '--namespace',
        ctx.namespace,
        '--wait'
      ]);
    }
  }
}

function parseReleases(result: StepResult): ReleaseOutput[] {
  const raw = result.outputs.releases;
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as ReleaseOutput[]) : [];
  } catch {
    return [];
  }
}

const ms = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : NaN);

/**
 * Requests the catalogue canary's pods answered during this run, from their own counters in Prometheus
 * (each series' largest value since the run started, summed; the pods are new, so their counters start
 * at 0): more than 0 only if the storefront's calls reached the canary, i.e. went through the Ingress
 * weight the action moved. The window starts at the run, so an earlier scenario's canary is not counted.
 */
async function catalogueCanaryRequests(ctx: DemoContext, startedAt: number): Promise<number> {
  const since = Number.isFinite(startedAt) ? startedAt : Date.now() - 600_000;
  const seconds = Math.max(1, Math.ceil((Date.now() - since) / 1000));
  const query = `sum(max_over_time(http_requests_total{release="${CATALOGUE_CANARY}"}[${seconds}s]))`;
  const url = `${ctx.client.info.prometheus}/api/v1/query?query=${encodeURIComponent(query)}`;
  const answer = (await (await fetch(url)).json()) as {
    data?: { result?: Array<{ value: [number, string] }> };
  };
  return Number(answer.data?.result?.[0]?.value[1] ?? 0);
}

/** What the cluster shows of one release of the group since the run started. */
async function releaseLine(
  ctx: DemoContext,
  release: string,
  canaryRelease: string,
  newVersion: string,
  output: ReleaseOutput | undefined,
  events: readonly ReleaseEvent[],
  weights: readonly WeightEntry[]
): Promise<ReleaseLine> {
  const stable = await readRelease(ctx, release);
  const promotion = events.find(
    (e) => e.release === release && e.op === 'upgrade' && e.version === newVersion
  );
  const install = events.find((e) => e.release === canaryRelease && e.op === 'install');
  const canaryWeights = weights.filter((w) => w.canaryRelease === canaryRelease).map((w) => w.canaryWeight);
  const atSetup = (ctx.details.stableRevisionsAtSetup as Record<string, number | null> | undefined) ?? {};
  return {
    ...(output ?? { release }),
    release,
    canaryRelease,
    stableVersionAfter: stable.exists ? stable.version : null,
    stableRevisionBefore: atSetup[release] ?? null,
    stableRevisionAfter: stable.exists ? stable.revision : null,
    promotedAt: promotion?.at ?? null,
    canaryInstalled: install !== undefined,
    canaryInstalledAt: install?.at ?? null,
    canaryMaxWeight: Math.max(
      0,
      ...canaryWeights,
      ...events.filter((e) => e.release === canaryRelease).map((e) => e.weight ?? 0)
    ),
    canaryPresentAfter: (await readRelease(ctx, canaryRelease)).exists
  };
}

interface GroupReads {
  api: ReleaseLine;
  storefront: ReleaseLine;
  apiCanaryRequests: number;
}

async function groupFields(ctx: DemoContext, result: StepResult): Promise<GroupReads> {
  const startedAt = ms(ctx.details.runs[0]?.startedAt as string | undefined);
  const events = ctx.client.events().filter((e) => ms(e.at) >= startedAt);
  const weights = ctx.client.weightLog().filter((w) => ms(w.at) >= startedAt);
  const outputs = parseReleases(result);
  const byName = (name: string) => outputs.find((r) => r.release === name);
  if (outputs.length !== 2)
    ctx.fail(`the action's releases output names ${outputs.length} releases, expected 2`);
  const api = await releaseLine(
    ctx,
    CATALOGUE,
    CATALOGUE_CANARY,
    CATALOGUE_VERSION,
    byName(CATALOGUE),
    events,
    weights
  );
  const storefront = await releaseLine(
    ctx,
    ctx.stableRelease,
    ctx.canaryRelease,
    STOREFRONT_VERSION,
    byName(ctx.stableRelease),
    events,
    weights
  );
  for (const line of [api, storefront]) {
    if (line.canaryPresentAfter) ctx.fail(`${line.canaryRelease} is still installed after the run`);
  }
  const apiCanaryRequests = await catalogueCanaryRequests(ctx, startedAt);
  if (!(apiCanaryRequests > 0)) {
    ctx.fail(`${CATALOGUE_CANARY} answered no request: the storefront's calls never reached it`);
  }
  ctx.fields({ releases: [api, storefront], catalogueCanaryRequests: apiCanaryRequests });
  return { api, storefront, apiCanaryRequests };
}

const groupHealthy: Scenario = {
  title: 'the catalogue API and the storefront as one group, both healthy: both promoted, the API first',
  version: STOREFRONT_VERSION,
  expected: ['promoted'],
  set: [],
  figuresFollow: FIGURES_FOLLOW,
  inputs: { steps: STEPS.join(','), soak: '20s' },
  async setup(ctx) {
    await setUpStables(ctx, []);
  },
  async fields(ctx, result) {
    const { api, storefront } = await groupFields(ctx, result);
    for (const line of [api, storefront]) {
      if (line.decision !== 'promoted')
        ctx.fail(`the action says ${line.release} ${line.decision}, expected promoted`);
      const expected = line === api ? CATALOGUE_VERSION : STOREFRONT_VERSION;
      if (line.stableVersionAfter !== expected || !line.promotedAt) {
        ctx.fail(
          `${line.release}: the cluster's stable runs ${line.stableVersionAfter}, expected a promotion to ${expected}`
        );
      }
    }
    const apiFirst = ms(api.promotedAt) < ms(storefront.promotedAt);
    if (!apiFirst) {
      ctx.fail(
        `promotion order: ${CATALOGUE} at ${api.promotedAt}, ${storefront.release} at ${storefront.promotedAt}; expected the API first`
      );
    }
    return { apiPromotedFirst: apiFirst };
  },
  async after(ctx) {
    await tearDown(ctx);
  }
};

const groupFaultyApi: Scenario = {
  title:
    'a group whose catalogue API canary answers 30% 500s: both rolled back, the storefront canary never past its first step',
  version: STOREFRONT_VERSION,
  expected: ['rolled-back'],
  set: [],
  figuresFollow: FIGURES_FOLLOW,
  inputs: { steps: STEPS.join(','), soak: '20s' },
  // The setup points the storefront's stable at the API (a Helm revision before the run); that the
  // action changed neither stable is checked below, per release, from the revisions after the setup.
  stableMayChange: true,
  evidence: /catalogue/i,
  async setup(ctx) {
    await setUpStables(ctx, ['faults.errorRate=0.3']);
  },
  async fields(ctx, result) {
    const { api, storefront } = await groupFields(ctx, result);
    for (const line of [api, storefront]) {
      if (line.decision !== 'rolled-back') {
        ctx.fail(`the action says ${line.release} ${line.decision}, expected rolled-back`);
      }
      if (line.stableRevisionAfter !== line.stableRevisionBefore) {
        ctx.fail(
          `${line.release}: stable went from revision ${line.stableRevisionBefore} to ${line.stableRevisionAfter} in a rollback`
        );
      }
    }
    if (!api.canaryInstalled) ctx.fail(`${CATALOGUE_CANARY} was never installed: nothing was judged`);
    const storefrontHeldBack = storefront.canaryMaxWeight <= STEPS[0];
    if (!storefrontHeldBack) {
      ctx.fail(
        `${storefront.canaryRelease} reached weight ${storefront.canaryMaxWeight}, past its first step (${STEPS[0]})`
      );
    }
    return { storefrontCanaryHeldAtFirstStep: storefrontHeldBack };
  },
  async after(ctx) {
    await tearDown(ctx);
  }
};

export const GROUP_SCENARIOS: Record<string, Scenario> = {
  group: groupHealthy,
  'group-faulty-api': groupFaultyApi
};
