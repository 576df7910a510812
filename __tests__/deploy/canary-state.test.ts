// canaryState()/stableVersion() read the canary back through Helm's JSON. The Helm 4 shapes come
// from the real binary (`helm install --dry-run=client -o json` prints the same release object as
// `helm status -o json`, and its `config` is what `helm get values -o json` prints).
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { canaryValueArgs } from '../../src/deploy/helm-args.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { HelmError } from '../../src/deploy/helm-error.js';
import { fakeRunner, NOT_FOUND } from './fake-runner.js';
import { miniChart, realHelm } from './real-helm.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

describe('canaryState', () => {
  it('reads version, weight, status and install time from real Helm 4 JSON (the marks are not in Helm)', async () => {
    const spec = rolloutSpec({
      chart: miniChart,
      valuesFiles: [],
      set: [],
      version: '3.1.0',
      // A preset whose weight travels in the chart values (canary.weight); a route router's is on its route.
      routing: 'ingress-nginx'
    });
    const install = await actionsExecRunner(realHelm(4), [
      'install',
      spec.canaryRelease,
      miniChart,
      '--namespace',
      spec.namespace,
      '--dry-run=client',
      '-o',
      'json',
      ...canaryValueArgs(spec, 25)
    ]);
    expect(install.stderr).toBe('');
    const release = JSON.parse(install.stdout);
    const fake = fakeRunner('v4.1.4', {
      status: { stdout: install.stdout },
      'get values': { stdout: JSON.stringify(release.config) }
    });
    const state = await new HelmDeployer(spec, fake.run, () => {}).canaryState();
    expect(state).toEqual({
      exists: true,
      status: 'pending-install',
      revision: 1,
      installedAt: release.info.first_deployed,
      version: '3.1.0',
      weight: 25
    });
    expect(state.installedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('reads a Helm 3 `helm status -o json` (chart stripped) and its values', async () => {
    const status = {
      name: 'storefront-canary',
      info: {
        first_deployed: '2025-02-03T10:11:12.123456789Z',
        last_deployed: '2025-02-03T10:20:00.5Z',
        deleted: '',
        description: 'Upgrade complete',
        status: 'deployed',
        notes: ''
      },
      config: { image: { tag: 1.2 } },
      manifest: '---\n',
      version: 3,
      namespace: 'shop'
    };
    const values = { image: { tag: 1.2 }, canary: { enabled: true, weight: 40 } };
    const fake = fakeRunner('v3.17.3', {
      status: { stdout: JSON.stringify(status) },
      'get values': { stdout: JSON.stringify(values) }
    });
    expect(await new HelmDeployer(rolloutSpec(), fake.run, () => {}).canaryState()).toEqual({
      exists: true,
      status: 'deployed',
      revision: 3,
      installedAt: '2025-02-03T10:11:12.123456789Z',
      version: '1.2',
      weight: 40
    });
  });

  it('reads the weight of `routing: values` back through its weight-values template', async () => {
    const spec = rolloutSpec({
      routing: 'values',
      weightValues: [
        { key: 'mesh.split', value: 'canary={{weight}}\\,stable' },
        { key: 'mesh.percent', value: '{{weight}}' }
      ]
    });
    const read = async (values: unknown) => {
      const fake = fakeRunner('v4.1.4', {
        status: { stdout: JSON.stringify({ info: { status: 'deployed' }, version: 2 }) },
        'get values': { stdout: JSON.stringify(values) }
      });
      return (await new HelmDeployer(spec, fake.run, () => {}).canaryState()).weight;
    };
    expect(await read({ mesh: { split: 'canary=35,stable', percent: 35 } })).toBe(35);
    expect(await read({ mesh: { percent: 60 } })).toBe(60);
    // Unreadable is unknown, never a guess.
    expect(await read({ mesh: { split: 'something else' } })).toBeUndefined();
    expect(await read({ mesh: { percent: 250 } })).toBeUndefined();
  });

  it('is exists=false when Helm says the release is not found', async () => {
    const fake = fakeRunner('v4.1.4', { status: NOT_FOUND });
    expect(await new HelmDeployer(rolloutSpec(), fake.run, () => {}).canaryState()).toEqual({
      exists: false
    });
  });

  it('fails with Helm`s stderr for any other error', async () => {
    const fake = fakeRunner('v4.1.4', {
      status: { exitCode: 1, stderr: 'Error: Kubernetes cluster unreachable: dial tcp 10.0.0.1:6443' }
    });
    const read = new HelmDeployer(rolloutSpec(), fake.run, () => {}).canaryState();
    await expect(read).rejects.toThrow(HelmError);
    await expect(read).rejects.toThrow(
      /helm status storefront-canary --namespace shop -o json.*cluster unreachable/
    );
  });

  it('names the command when its output is not JSON', async () => {
    const fake = fakeRunner('v4.1.4', { status: { stdout: 'NAME: storefront-canary\nSTATUS: deployed' } });
    await expect(new HelmDeployer(rolloutSpec(), fake.run, () => {}).canaryState()).rejects.toThrow(
      /`helm status storefront-canary .*` did not print JSON: NAME: storefront-canary/
    );
  });
});

describe('stableVersion', () => {
  it('reads the version key from the computed values (escaped dots allowed)', async () => {
    const fake = fakeRunner('v4.1.4', {
      'get values': { stdout: JSON.stringify({ app: { 'image.tag': 'v9' }, image: { tag: 'ignored' } }) }
    });
    const deployer = new HelmDeployer(rolloutSpec({ versionKey: 'app.image\\.tag' }), fake.run, () => {});
    expect(await deployer.stableVersion()).toBe('v9');
    expect(fake.helmCalls()).toEqual([
      ['get', 'values', 'storefront', '--namespace', 'shop', '-o', 'json', '--all']
    ]);
  });

  it('is undefined when stable does not exist or has no such value', async () => {
    const missing = fakeRunner('v4.1.4', { 'get values': NOT_FOUND });
    expect(await new HelmDeployer(rolloutSpec(), missing.run, () => {}).stableVersion()).toBeUndefined();
    const empty = fakeRunner('v4.1.4', { 'get values': { stdout: 'null' } });
    expect(await new HelmDeployer(rolloutSpec(), empty.run, () => {}).stableVersion()).toBeUndefined();
  });
});
