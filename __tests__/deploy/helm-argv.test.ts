// Exact argv of every helm command the deployer runs, under Helm 3 and Helm 4.
import { HelmDeployer } from '../../src/deploy/helm.js';
import { HelmError } from '../../src/deploy/helm-error.js';
import type { CommandRunner } from '../../src/deploy/command-runner.js';
import type { RolloutSpec } from '../../src/config/spec.js';
import { fakeRunner, NOT_FOUND } from './fake-runner.js';
import { routerDeps } from '../helpers/fakes.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';
import { createRouter } from '../../src/routing/index.js';
import { chartValuesRouter } from '../../src/routing/chart-values-router.js';
import { INGRESS_RESOURCE } from '../../src/routing/owned-ingress-router.js';
import { FakeKube } from '../routing/fake-kube.js';
import { removeCanaryRelease } from '../../src/rollout/outcomes.js';

/**
 * The removal as the outcome module does it with a chart-values router (replicas, values): the
 * deployer's weight-0 upgrade takes the traffic away, then Helm uninstalls. ingress-nginx patches its
 * Ingress instead (the test below); its values build the argv here as they would for the upgrade.
 */
function removeThroughRouter(
  spec: RolloutSpec,
  run: CommandRunner,
  log: (line: string) => void = () => {}
): Promise<void> {
  const deployer = new HelmDeployer(spec, run, log);
  return removeCanaryRelease({
    deployer,
    router: chartValuesRouter(spec.routing, spec.canaryRelease, deployer)
  });
}

const DEPLOYED_STATUS = JSON.stringify({
  name: 'storefront-canary',
  namespace: 'shop',
  version: 2,
  info: { status: 'deployed', first_deployed: '2025-01-01T00:00:00Z', description: 'x' }
});

const flavours = [
  {
    major: 3,
    version: 'v3.17.3',
    wait: ['--atomic', '--wait', '--timeout', '300s'],
    uninstallWait: '--wait'
  },
  {
    major: 4,
    version: 'v4.1.4',
    wait: ['--rollback-on-failure', '--wait=watcher', '--timeout', '300s'],
    uninstallWait: '--wait=watcher'
  }
] as const;

describe.each(flavours)('Helm $major', ({ major, version, wait, uninstallWait }) => {
  const ingressNginx = (w: string) => [
    '--set',
    'canary.enabled=true',
    '--set',
    `canary.weight=${w}`,
    '--set',
    'canary.routing=ingress-nginx',
    '--set-string',
    'canary.stableRelease=storefront',
    '--set-string',
    'ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary=true',
    '--set-string',
    `ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight=${w}`
  ];

  it('detects the major version', async () => {
    const fake = fakeRunner(version);
    const info = await new HelmDeployer(rolloutSpec(), fake.run, () => {}).detect();
    expect(info).toEqual({ major, version });
    expect(fake.calls).toEqual([['version', '--template', '{{.Version}}']]);
  });

  it('deploys the canary at weight 0 with values, version, routing and the wait flags (no marks: they are on the lease), then moves it to its weight', async () => {
    const fake = fakeRunner(version);
    const deployer = new HelmDeployer(rolloutSpec({ chartVersion: '2.1.0' }), fake.run, () => {});
    await deployer.installCanary(20);
    const [install, ...rest] = fake.helmCalls();
    expect([install]).toEqual([
      [
        'install',
        'storefront-canary',
        './charts/storefront',
        '--namespace',
        'shop',
        '--version',
        '2.1.0',
        '-f',
        'values/prod.yaml',
        '-f',
        'values/eu.yaml',
        '--set',
        'replicaCount=3',
        '--set-string',
        'image.tag=1.4.0',
        ...ingressNginx('0'),
        '--description',
        'canary-action: canary 1.4.0 at weight 0',
        ...wait
      ]
    ]);
    // Traffic moves only once Helm has waited for the canary's pods: a second command, an upgrade.
    expect(rest).toHaveLength(1);
    expect(rest[0].slice(0, 2)).toEqual(['upgrade', 'storefront-canary']);
    expect(rest[0]).not.toContain('--install');
    expect(rest[0]).toEqual(expect.arrayContaining([...ingressNginx('20'), ...wait]));
    expect(rest[0].some((arg) => arg.startsWith('canaryAction'))).toBe(false);
  });

  it('steps the weight with the same upgrade (never --install: a removed canary stays removed, no hooks run again) and new routing values', async () => {
    const fake = fakeRunner(version);
    const deployer = new HelmDeployer(
      rolloutSpec({ routing: 'replicas', valuesFiles: [], set: [] }),
      fake.run,
      () => {}
    );
    await deployer.setWeight(50);
    expect(fake.helmCalls()).toEqual([
      [
        'upgrade',
        'storefront-canary',
        './charts/storefront',
        '--namespace',
        'shop',
        '--no-hooks',
        '--set-string',
        'image.tag=1.4.0',
        '--set',
        'canary.enabled=true',
        '--set',
        'canary.weight=50',
        '--set',
        'canary.routing=replicas',
        '--set-string',
        'canary.stableRelease=storefront',
        '--description',
        'canary-action: canary 1.4.0 at weight 50',
        ...wait
      ]
    ]);
  });

  it('uses the weight-values templates for routing `values`, escaping the action`s own values', async () => {
    const fake = fakeRunner(version);
    const spec = rolloutSpec({
      routing: 'values',
      valuesFiles: [],
      set: [],
      version: 'build,7',
      weightValues: [{ key: 'mesh.canaryPercent', value: '{{weight}}' }]
    });
    await new HelmDeployer(spec, fake.run, () => {}).setWeight(5);
    expect(fake.helmCalls()[0]).toEqual([
      'upgrade',
      'storefront-canary',
      './charts/storefront',
      '--namespace',
      'shop',
      '--no-hooks',
      '--set-string',
      'image.tag=build\\,7',
      '--set',
      'mesh.canaryPercent=5',
      '--description',
      'canary-action: canary build,7 at weight 5',
      ...wait
    ]);
  });

  it('promotes stable with the user values and the new version, without canary values', async () => {
    const fake = fakeRunner(version);
    await new HelmDeployer(rolloutSpec(), fake.run, () => {}).promoteStable();
    expect(fake.helmCalls()).toEqual([
      [
        'upgrade',
        'storefront',
        './charts/storefront',
        '--namespace',
        'shop',
        '-f',
        'values/prod.yaml',
        '-f',
        'values/eu.yaml',
        '--set',
        'replicaCount=3',
        '--set-string',
        'image.tag=1.4.0',
        '--description',
        'canary-action: promoted 1.4.0 from storefront-canary',
        ...wait
      ]
    ]);
  });

  it('installs a first release directly as stable: `helm install --replace`, the user values and the version, no canary values', async () => {
    const fake = fakeRunner(version);
    await new HelmDeployer(rolloutSpec(), fake.run, () => {}).installStable();
    expect(fake.helmCalls()).toEqual([
      [
        'install',
        'storefront',
        './charts/storefront',
        '--namespace',
        'shop',
        '--replace',
        '-f',
        'values/prod.yaml',
        '-f',
        'values/eu.yaml',
        '--set',
        'replicaCount=3',
        '--set-string',
        'image.tag=1.4.0',
        '--description',
        'canary-action: first release 1.4.0, installed as stable',
        ...wait
      ]
    ]);
  });

  it('removes the canary: weight 0 (reusing its values), then uninstall', async () => {
    const fake = fakeRunner(version, {
      status: { stdout: DEPLOYED_STATUS },
      'get values': { stdout: JSON.stringify({ canary: { weight: 20 } }) }
    });
    await removeThroughRouter(rolloutSpec(), fake.run);
    expect(fake.helmCalls()).toEqual([
      ['status', 'storefront-canary', '--namespace', 'shop', '-o', 'json'],
      ['get', 'values', 'storefront-canary', '--namespace', 'shop', '-o', 'json'],
      [
        'upgrade',
        'storefront-canary',
        './charts/storefront',
        '--namespace',
        'shop',
        '--reuse-values',
        '--no-hooks',
        ...ingressNginx('0'),
        '--description',
        'canary-action: canary weight 0 before removal',
        ...wait
      ],
      [
        'uninstall',
        'storefront-canary',
        '--namespace',
        'shop',
        '--ignore-not-found',
        uninstallWait,
        '--timeout',
        '300s'
      ]
    ]);
  });

  it("ingress-nginx on the chart's Ingress: weight 0 is a patch of that Ingress, then only the uninstall (no Helm upgrade)", async () => {
    const manifest = [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: storefront-canary',
      '  annotations:',
      '    nginx.ingress.kubernetes.io/canary: "true"',
      '    nginx.ingress.kubernetes.io/canary-weight: "0"'
    ].join('\n');
    const fake = fakeRunner(version, { 'get manifest': { stdout: manifest } });
    const spec = rolloutSpec();
    const deployer = new HelmDeployer(spec, fake.run, () => {});
    const kube = new FakeKube();
    kube.put(INGRESS_RESOURCE, {
      metadata: {
        name: 'storefront-canary',
        namespace: 'shop',
        annotations: {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '40'
        }
      }
    });
    const router = createRouter(spec, { ...routerDeps(deployer), kube, services: deployer });
    await removeCanaryRelease({ deployer, router });
    const ingress = await kube.get<any>(INGRESS_RESOURCE, 'shop', 'storefront-canary');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('0');
    expect(fake.helmCalls().map((c) => c.slice(0, 2).join(' '))).toEqual([
      'get manifest',
      'uninstall storefront-canary'
    ]);
  });

  it('removing a canary that does not exist only runs an idempotent uninstall', async () => {
    const fake = fakeRunner(version, { status: NOT_FOUND, uninstall: NOT_FOUND });
    await removeThroughRouter(rolloutSpec(), fake.run);
    expect(fake.helmCalls().map((c) => c[0])).toEqual(['status', 'uninstall']);
  });

  it('skips weight 0 for a release stuck in a pending state, and still uninstalls', async () => {
    const pending = JSON.stringify({ name: 'storefront-canary', info: { status: 'pending-upgrade' } });
    const fake = fakeRunner(version, { status: { stdout: pending }, 'get values': { stdout: 'null' } });
    await removeThroughRouter(rolloutSpec(), fake.run);
    expect(fake.helmCalls().map((c) => c[0])).toEqual(['status', 'get', 'uninstall']);
  });

  it('still uninstalls when the weight-0 upgrade fails', async () => {
    const lines: string[] = [];
    const fake = fakeRunner(version, {
      status: { stdout: DEPLOYED_STATUS },
      'get values': { stdout: '{}' },
      upgrade: { exitCode: 1, stderr: 'Error: UPGRADE FAILED: timed out waiting for the condition' }
    });
    await removeThroughRouter(rolloutSpec(), fake.run, (l) => lines.push(l));
    expect(fake.helmCalls().map((c) => c[0])).toEqual(['status', 'get', 'upgrade', 'uninstall']);
    expect(lines.join('\n')).toContain('timed out waiting for the condition');
  });

  it("carries Helm's stderr in the error", async () => {
    const fake = fakeRunner(version, {
      install: {
        exitCode: 1,
        stderr: 'Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n'
      }
    });
    const deploy = new HelmDeployer(rolloutSpec(), fake.run, () => {}).installCanary(20);
    await expect(deploy).rejects.toThrow(HelmError);
    await expect(deploy).rejects.toThrow(
      /helm install storefront-canary .* exit code 1: .*cannot re-use a name/
    );
  });

  it('dry-run logs every command and runs nothing but `helm version`', async () => {
    const lines: string[] = [];
    const fake = fakeRunner(version);
    const spec = rolloutSpec({ dryRun: true });
    const deployer = new HelmDeployer(spec, fake.run, (l) => lines.push(l));
    await deployer.installCanary(20);
    await deployer.setWeight(50);
    expect(await deployer.canaryState()).toEqual({ exists: false });
    expect(await deployer.stableVersion()).toBeUndefined();
    await deployer.promoteStable();
    await removeCanaryRelease({ deployer, router: createRouter(spec, routerDeps(deployer)) });
    expect(fake.helmCalls()).toEqual([]);
    const dry = lines.filter((l) => l.startsWith('[dry-run] helm '));
    expect(dry.map((l) => l.split(' ').slice(2, 4).join(' '))).toEqual([
      'install storefront-canary',
      'upgrade storefront-canary',
      'upgrade storefront-canary',
      'status storefront-canary',
      'get values',
      'upgrade storefront',
      // ingress-nginx takes the traffic away with a patch of the canary's Ingress: no Helm upgrade.
      'uninstall storefront-canary'
    ]);
    expect(dry[0]).toContain('canary.weight=0');
    expect(dry[1]).toContain('canary.weight=20');
  });
});

describe('Helm version detection', () => {
  it('falls back to `helm version --short`', async () => {
    const calls: string[][] = [];
    const deployer = new HelmDeployer(
      rolloutSpec(),
      async (_f, args) => {
        calls.push(args);
        return args.includes('--short')
          ? { exitCode: 0, stdout: 'v3.12.0+gc9f554d\n', stderr: '' }
          : { exitCode: 1, stdout: '', stderr: 'Error: unknown flag: --template' };
      },
      () => {}
    );
    expect(await deployer.detect()).toEqual({ major: 3, version: 'v3.12.0+gc9f554d' });
    expect(calls).toEqual([
      ['version', '--template', '{{.Version}}'],
      ['version', '--short']
    ]);
  });

  it('rejects a Helm 2 client with what it saw', async () => {
    const deployer = new HelmDeployer(
      rolloutSpec(),
      async () => ({ exitCode: 0, stdout: 'v2.17.0', stderr: '' }),
      () => {}
    );
    await expect(deployer.detect()).rejects.toThrow(/expected Helm 3 or 4, got: v2\.17\.0/);
  });

  it('explains a missing binary', async () => {
    const deployer = new HelmDeployer(
      rolloutSpec(),
      async () => {
        throw new Error('Unable to locate executable file: helm');
      },
      () => {}
    );
    await expect(deployer.detect()).rejects.toThrow(/could not run `helm` .*Unable to locate/);
  });
});

describe('manual commands that leave inputs out', () => {
  it('promote without `version` promotes the version the canary runs', async () => {
    const fake = fakeRunner('v4.1.4', {
      status: { stdout: DEPLOYED_STATUS },
      'get values': { stdout: JSON.stringify({ image: { tag: '1.5.0-rc.1' } }) }
    });
    await new HelmDeployer(rolloutSpec({ version: '' }), fake.run, () => {}).promoteStable();
    const upgrade = fake.helmCalls().find((c) => c[0] === 'upgrade')!;
    expect(upgrade.slice(0, 2)).toEqual(['upgrade', 'storefront']);
    expect(upgrade).toContain('image.tag=1.5.0-rc.1');
  });

  it('promote without `version` and without a canary says so', async () => {
    const fake = fakeRunner('v4.1.4', { status: NOT_FOUND });
    await expect(
      new HelmDeployer(rolloutSpec({ version: '' }), fake.run, () => {}).promoteStable()
    ).rejects.toThrow(/input `version` is empty and storefront-canary carries no version under image\.tag/);
  });

  it('rollback without `chart` uninstalls directly', async () => {
    const fake = fakeRunner('v3.17.3', {
      status: { stdout: DEPLOYED_STATUS },
      'get values': { stdout: '{}' }
    });
    await removeThroughRouter(rolloutSpec({ chart: '', version: '' }), fake.run);
    expect(fake.helmCalls().map((c) => c[0])).toEqual(['status', 'get', 'uninstall']);
  });

  it('deploying without `version` names the input', async () => {
    const fake = fakeRunner('v3.17.3');
    await expect(
      new HelmDeployer(rolloutSpec({ version: '' }), fake.run, () => {}).installCanary(20)
    ).rejects.toThrow('input `version` is required to install the canary');
    expect(fake.helmCalls()).toEqual([]);
  });
});
