// Which Services a release renders, read from its manifest: what the gateway-api router pairs.
import path from 'node:path';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { HelmDeployer } from '../../src/deploy/helm.js';
import { servicesInManifest } from '../../src/deploy/manifest.js';
import { fakeRunner, NOT_FOUND } from './fake-runner.js';
import { realHelm, repoRoot } from './real-helm.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

describe('release services', () => {
  it('finds the Service in the storefront chart as real Helm renders it, and nothing else', async () => {
    const rendered = await actionsExecRunner(realHelm(4), [
      'template',
      'shop-canary',
      path.join(repoRoot, 'charts/storefront'),
      '--namespace',
      'shop'
    ]);
    expect(rendered.exitCode).toBe(0);
    expect(rendered.stdout).toContain('kind: Deployment');
    expect(servicesInManifest(rendered.stdout)).toEqual(['shop-canary']);
  });

  it('reads `helm get manifest` of the named release; a release that does not exist has none', async () => {
    const manifest = [
      '---',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: storefront',
      '---',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: storefront-config',
      '---',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: storefront-headless'
    ].join('\n');
    const fake = fakeRunner('v4.1.4', {
      'get manifest storefront ': { stdout: manifest },
      'get manifest': NOT_FOUND
    });
    const deployer = new HelmDeployer(rolloutSpec(), fake.run, () => {});
    expect(await deployer.services('storefront')).toEqual(['storefront', 'storefront-headless']);
    expect(await deployer.services('storefront-canary')).toEqual([]);
    expect(fake.helmCalls()).toEqual([
      ['get', 'manifest', 'storefront', '--namespace', 'shop'],
      ['get', 'manifest', 'storefront-canary', '--namespace', 'shop']
    ]);
  });
});
