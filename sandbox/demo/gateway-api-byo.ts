// gateway-api-byo: the storefront with routing through a plain HTTPRoute that the stable release
// renders (httpRoute.enabled, no Ingress, no canary.* contract), served by Traefik's Gateway API
// provider. With `routing: gateway-api` the action edits that route's backendRefs (stable 100-w, the
// canary's Service w) → promoted. Read back through the Kubernetes API afterwards: the route is as the
// chart renders it (spec as before the run, no edit annotation) and `.spec.rules` belongs to Helm
// again (the hand-back before the promotion), so Helm 4's upgrade of stable went through.
//   setup   stable is upgraded to render the route instead of the Ingress (--reuse-values)
//   fields  routeRestored, routeRulesManagers (writesToCluster comes with every scenario's figures)
//   after   stable back to the Ingress, as the other scenarios expect
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { DemoContext, Scenario } from './types.js';

const VALUES = 'sandbox/demo/gateway-api-byo.yaml';
const EDIT_ANNOTATION = 'canary-action.dev/route-edit';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Route {
  metadata: {
    annotations?: Record<string, string>;
    managedFields?: Array<{ manager: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } }>;
  };
  spec?: unknown;
}

async function readRoute(ctx: DemoContext): Promise<Route> {
  const api = ctx.client.kubeconfig.makeApiClient(CustomObjectsApi);
  return (await api.getNamespacedCustomObject({
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespace: ctx.namespace,
    plural: 'httproutes',
    name: ctx.stableRelease
  })) as Route;
}

/** Who owns `.spec.rules` (the field Helm 4's apply conflicts on when another manager holds it). */
const rulesManagers = (route: Route): string[] =>
  (route.metadata.managedFields ?? [])
    .filter((entry) => entry.fieldsV1?.['f:spec']?.['f:rules'] !== undefined)
    .map((entry) => entry.manager)
    .sort();

async function helmOrThrow(ctx: DemoContext, args: string[], what: string): Promise<void> {
  const result = await ctx.helm(args);
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr}`);
}

let renderedSpec: unknown;

export const GATEWAY_API_BYO: Scenario = {
  title: "a healthy v2.12 routed through stable's own plain HTTPRoute, whose backendRefs the action edits",
  version: '2.12.0',
  expected: ['promoted'],
  set: [],
  inputs: {
    routing: 'gateway-api',
    values: `sandbox/demo/values.yaml\n${VALUES}`,
    steps: '50,100',
    soak: '15s'
  },
  async setup(ctx) {
    await helmOrThrow(
      ctx,
      [
        'upgrade',
        ctx.stableRelease,
        ctx.chart,
        '--namespace',
        ctx.namespace,
        '--reuse-values',
        '-f',
        VALUES,
        '--wait',
        '--timeout',
        '60s'
      ],
      'switching stable to its HTTPRoute'
    );
    const route = await readRoute(ctx);
    renderedSpec = route.spec;
    ctx.note(`stable ${ctx.stableRelease} now routes through its HTTPRoute (Ingress removed)`);
    await sleep(3000); // Traefik's Gateway API provider picks the route up; stable's series keep coming
  },
  async fields(ctx: DemoContext) {
    const route = await readRoute(ctx);
    const managers = rulesManagers(route);
    const edited = route.metadata.annotations?.[EDIT_ANNOTATION] !== undefined;
    const restored = JSON.stringify(route.spec) === JSON.stringify(renderedSpec) && !edited;
    if (!restored) ctx.fail(`the HTTPRoute is not back as rendered: ${JSON.stringify(route.spec)}`);
    if (managers.join(',') !== 'helm')
      ctx.fail(`.spec.rules of the HTTPRoute is owned by ${managers.join(', ')}, not helm`);
    return {
      routeRestored: restored,
      routeRulesManagers: managers
    };
  },
  async after(ctx) {
    await helmOrThrow(
      ctx,
      [
        'upgrade',
        ctx.stableRelease,
        ctx.chart,
        '--namespace',
        ctx.namespace,
        '--reuse-values',
        '--set',
        'ingress.enabled=true,httpRoute.enabled=false',
        '--wait',
        '--timeout',
        '60s'
      ],
      'switching stable back to its Ingress'
    );
    await sleep(2000);
  }
};
