// Every command the deployer builds is accepted by the REAL Helm 3 and Helm 4 binaries: we run them
// against a KUBECONFIG that points at a closed loopback port. Helm parses all flags first (an unknown
// or malformed flag fails with "unknown flag"/"invalid argument"; a deprecated one warns), then fails to reach the cluster at
// exactly that address, which also proves KUBECONFIG from process.env reaches the child.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import {
  canaryReweightArgs,
  canaryUpgradeArgs,
  stableInstallArgs,
  getValuesArgs,
  promoteArgs,
  statusArgs,
  uninstallArgs
} from '../../src/deploy/helm-args.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { freePort } from '../helpers/free-port.js';
import { miniChart, realHelm } from './real-helm.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

let dir: string;
let port: number;
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  port = await freePort(); // nothing listens on it
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-kubeconfig-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: closed, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: nobody, user: {token: test}}]',
      'contexts: [{name: closed, context: {cluster: closed, user: nobody}}]',
      'current-context: closed'
    ].join('\n'),
    { mode: 0o600 }
  );
  process.env.KUBECONFIG = kubeconfig;
});

afterAll(() => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([3, 4] as const)('real Helm %i', (major) => {
  const spec = rolloutSpec({ chart: miniChart, valuesFiles: [], helmTimeoutSeconds: 5 });
  const commands: Record<string, string[]> = {
    'upgrade --install (canary)': canaryUpgradeArgs(spec, major, 20),
    'upgrade --no-hooks (weight step)': canaryUpgradeArgs(spec, major, 50, { install: false }),
    'upgrade --reuse-values --no-hooks (weight 0)': canaryReweightArgs(spec, major, 0),
    'install --replace (first release as stable)': stableInstallArgs(spec, major),
    'upgrade (promote)': promoteArgs(spec, major),
    uninstall: uninstallArgs(spec, major),
    status: statusArgs(spec.canaryRelease, spec.namespace),
    'get values': getValuesArgs(spec.release, spec.namespace, true)
  };

  it.each(Object.keys(commands))('accepts the flags of %s and dials the KUBECONFIG cluster', async (name) => {
    const result = await actionsExecRunner(realHelm(major), commands[name]);
    expect(result.stderr).not.toMatch(
      /unknown flag|unknown shorthand|invalid argument|deprecated|accepts \d+ arg|requires \d+ arg/i
    );
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.exitCode).not.toBe(0);
  });

  it('HelmDeployer detects the real binary and surfaces its stderr', async () => {
    const deployer = new HelmDeployer(spec, actionsExecRunner, () => {}, realHelm(major));
    expect((await deployer.detect()).major).toBe(major);
    await expect(deployer.installCanary(20)).rejects.toThrow(`127.0.0.1:${port}`);
  });
});
