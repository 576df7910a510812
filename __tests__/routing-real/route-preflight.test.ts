// The gateway-api router's preflight on a real API server (the sandbox's, with the Gateway API CRDs)
// with the real Helm 4 and kubectl adapters: on the storefront chart with httpRoute.enabled, stable's
// route is found, the canary's Service pairs from a server-side dry run, and the chart's own switch
// (httpRoute.enabled, from `helm show values`) keeps the canary's route out. A named route that does
// not exist is the named error. Writes are counted from the API server's audit log: none.
// Needs the sandbox binaries: skips with a message when .tools/sandbox/manifest.json is missing.
import { beforeAll, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { chartDefaultValues } from '../../src/deploy/chart-defaults.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { HelmPreflight } from '../../src/deploy/helm-preflight.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { parseManifest } from '../../src/preflight/manifest.js';
import { httpRouteRouter, HTTPROUTE_RESOURCE } from '../../src/routing/httproute-router.js';
import { routeSwitchesFor } from '../../src/routing/route-switch.js';
import type { RoutingProbe } from '../../src/routing/types.js';
import type { RolloutSpec } from '../../src/config/spec.js';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import { countActionWrites } from '../../sandbox/demo/audit-writes.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';
import { describeIfSandboxBuilt, useApiServer } from '../helpers/api-server.js';

const execFileAsync = promisify(execFile);
const project = path.resolve(import.meta.dirname, '../..');
const describeIfBuilt = describeIfSandboxBuilt('routing-real');

jest.setTimeout(180_000);

const NS = 'preflight';
const helm4 = helmBinaryPath(4);
let user: string;

const server = useApiServer('route-preflight-', NS);
const kubectl = server.kubectl;

const auditLog = () => path.join(server.stateDir, 'audit.log');

/** Write requests of the test's user in [since, now], once the audit log has caught up. */
async function writesSince(since: number) {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return countActionWrites(auditLog(), user, since, Date.now());
}

describeIfBuilt('gateway-api preflight on a real API server', () => {
  let spec: RolloutSpec;

  beforeAll(async () => {
    user = (
      JSON.parse(await kubectl(['auth', 'whoami', '-o', 'json'])) as {
        status: { userInfo: { username: string } };
      }
    ).status.userInfo.username;
    await execFileAsync(
      helm4,
      [
        'install',
        'storefront',
        'charts/storefront',
        '--namespace',
        NS,
        '--set',
        'ingress.enabled=false',
        '--set',
        'httpRoute.enabled=true',
        '--set',
        'image.tag=1.0.0'
      ],
      { cwd: project, env: { ...process.env } }
    );
    const base = rolloutSpec({
      namespace: NS,
      chart: path.join(project, 'charts/storefront'),
      routing: 'gateway-api',
      valuesFiles: [],
      set: [
        { key: 'ingress.enabled', value: 'false' },
        { key: 'httpRoute.enabled', value: 'true' }
      ],
      version: '2.0.0'
    });
    // As the wiring does: the chart's own route switches, from its default values.
    const defaults = await chartDefaultValues(actionsExecRunner, base, helm4);
    spec = { ...base, canaryRouteSwitches: routeSwitchesFor('gateway-api', defaults) };
  });

  function preflightOf(route: string | undefined) {
    const deployer = new HelmDeployer(spec, actionsExecRunner, () => {}, helm4);
    const helm = new HelmPreflight(
      spec,
      actionsExecRunner,
      () => deployer.stableState(),
      () => {},
      helm4
    );
    const router = httpRouteRouter(
      { ...spec, route },
      {
        kube: new KubectlObjects(actionsExecRunner, server.kubectlBinary),
        services: deployer,
        sleep: async () => {}
      }
    );
    const renders: number[] = [];
    const probe: RoutingProbe = {
      weight: 10,
      stableExists: true,
      renderCanary: async (weight) => {
        renders.push(weight);
        return parseManifest(await helm.renderCanary(weight));
      }
    };
    return { run: () => router.preflight!(probe), renders };
  }

  test("storefront with httpRoute.enabled: stable's route found, the canary's Service pairs, its own route is off; nothing written", async () => {
    expect(spec.canaryRouteSwitches).toEqual(['httpRoute.enabled']);
    const before = await kubectl(['get', HTTPROUTE_RESOURCE, 'storefront', '-n', NS, '-o', 'json']);
    const since = Date.now();
    const { run, renders } = preflightOf(undefined);
    expect(await run()).toEqual({
      ok: true,
      detail:
        "HTTPRoute preflight/storefront sends traffic to Service storefront; the canary's share goes to Service storefront-canary of storefront-canary; " +
        "the canary release's own HTTPRoute is off (httpRoute.enabled=false)"
    });
    expect(renders).toEqual([10]);
    // Helm's --dry-run=server only reads (lookups, status); no write request at all.
    expect((await writesSince(since)).requests).toEqual([]);
    expect(await kubectl(['get', HTTPROUTE_RESOURCE, 'storefront', '-n', NS, '-o', 'json'])).toBe(before);
    await expect(kubectl(['get', 'deployment', 'storefront-canary', '-n', NS])).rejects.toThrow(/not found/i);
  });

  test('a named route that does not exist: the named error, no render and no write', async () => {
    const since = Date.now();
    const { run, renders } = preflightOf('nope');
    expect(await run()).toEqual({
      ok: false,
      detail: 'routing gateway-api: HTTPRoute preflight/nope (input `route`) does not exist'
    });
    expect(renders).toEqual([]);
    expect((await writesSince(since)).requests).toEqual([]);
    // The count can see a write: one label, counted.
    const marked = Date.now();
    await kubectl(['label', 'namespace', NS, 'checked=yes']);
    const counted = (await writesSince(marked)).requests;
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatch(/^patch namespaces /);
  });
});
