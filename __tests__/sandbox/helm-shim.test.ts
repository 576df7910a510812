// The sandbox's `helm` executable against a real sandbox daemon (no Prometheus) and the REAL Helm for
// rendering: version shapes for Helm 3 and 4, release state and its JSON shapes, Helm's own schema
// errors, --reuse-values, --wait failing on a crashing release, atomic clean-up, and uninstall.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon } from '../../sandbox/cluster/client.mjs';
import { durationSeconds, parseFlags } from '../../sandbox/helm/flags.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const helmBin = path.join(repoRoot, 'sandbox', 'bin', 'helm');
const chart = path.join(repoRoot, '__tests__', 'sandbox', 'fixtures', 'mini-chart');
const echoApp = path.join(repoRoot, '__tests__', 'sandbox', 'fixtures', 'echo-app.mjs');

let stateDir: string;
let daemon: Awaited<ReturnType<typeof startDaemon>>;

function helm(args: string[], major: 3 | 4 = 4) {
  const result = spawnSync(helmBin, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, SANDBOX_STATE_DIR: stateDir, SANDBOX_HELM_MAJOR: String(major) }
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-helm-test-'));
  daemon = await startDaemon({
    stateDir,
    prometheus: false,
    images: { 'sandbox-test/echo': echoApp },
    maxLifetimeSeconds: 300
  });
}, 60000);

afterAll(async () => {
  await daemon?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
}, 60000);

describe('flag parsing', () => {
  it('parses value, optional-value and boolean flags the way pflag does', () => {
    const { positionals, flags } = parseFlags([
      'upgrade',
      '--install',
      'rel',
      'chart',
      '-n',
      'ns',
      '--set',
      'a=1',
      '--wait',
      '--timeout=30s',
      '--wait=watcher',
      '--atomic=false'
    ]);
    expect(positionals).toEqual(['upgrade', 'rel', 'chart']);
    expect(flags).toEqual([
      { name: 'install', value: true },
      { name: 'namespace', value: 'ns' },
      { name: 'set', value: 'a=1' },
      { name: 'wait', value: true },
      { name: 'timeout', value: '30s' },
      { name: 'wait', value: 'watcher' },
      { name: 'atomic', value: false }
    ]);
    expect(() => parseFlags(['status', '--frobnicate'])).toThrow('unknown flag: --frobnicate');
    expect(durationSeconds('1m30s', 0)).toBe(90);
    expect(durationSeconds(undefined, 300)).toBe(300);
    expect(() => durationSeconds('ten minutes', 0)).toThrow('invalid duration');
  });
});

describe('sandbox helm', () => {
  it.each([3, 4] as const)('prints Helm %i version shapes like the real binary', (major) => {
    expect(helm(['version'], major).stdout).toMatch(
      new RegExp(`^version\\.BuildInfo\\{Version:"v${major}\\.\\d+\\.\\d+"`)
    );
    expect(helm(['version', '--short'], major).stdout.trim()).toMatch(
      new RegExp(`^v${major}\\.\\d+\\.\\d+\\+g[0-9a-f]+$`)
    );
    expect(helm(['version', '--template', '{{.Version}}'], major).stdout).toMatch(
      new RegExp(`^v${major}\\.\\d+\\.\\d+$`)
    );
  });

  it('rejects an unknown subcommand clearly', () => {
    const result = helm(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: unknown command "frobnicate" for "helm"');
  });

  it('installs, upgrades and reports releases in Helm JSON shapes', () => {
    const install = helm([
      'upgrade',
      '--install',
      'shop',
      chart,
      '--set',
      'image.tag=1.0.0',
      '--wait',
      '--timeout',
      '30s'
    ]);
    expect(install.stderr).toBe('');
    expect(install.stdout).toContain('Release "shop" does not exist. Installing it now.');
    expect(install.stdout).toContain('STATUS: deployed');
    const upgrade = helm([
      'upgrade',
      'shop',
      chart,
      '--set',
      'image.tag=1.1.0',
      '--wait=watcher',
      '--rollback-on-failure'
    ]);
    expect(upgrade.stdout).toContain('Release "shop" has been upgraded. Happy Helming!');

    const status = JSON.parse(helm(['status', 'shop', '-o', 'json']).stdout);
    expect(status).toMatchObject({
      name: 'shop',
      namespace: 'default',
      version: 2,
      info: { status: 'deployed', description: 'Upgrade complete', deleted: '' },
      config: { image: { tag: '1.1.0' } },
      chart: { metadata: { name: 'mini', version: '0.2.0' } }
    });
    expect(status.manifest).toContain('kind: Deployment');

    const history = JSON.parse(helm(['history', 'shop', '-o', 'json']).stdout);
    expect(history.map((h: { revision: number; status: string }) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed']
    ]);
    expect(history[0]).toMatchObject({
      chart: 'mini-0.2.0',
      app_version: '1.0.0',
      description: 'Install complete'
    });

    const list = JSON.parse(helm(['list', '-o', 'json']).stdout);
    expect(list).toEqual([
      expect.objectContaining({
        name: 'shop',
        namespace: 'default',
        revision: '2',
        status: 'deployed',
        chart: 'mini-0.2.0'
      })
    ]);
    expect(list[0].updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
    expect(JSON.parse(helm(['get', 'values', 'shop', '-o', 'json']).stdout)).toEqual({
      image: { tag: '1.1.0' }
    });
    expect(JSON.parse(helm(['get', 'values', 'shop', '-o', 'json', '--revision', '1']).stdout)).toEqual({
      image: { tag: '1.0.0' }
    });
    expect(JSON.parse(helm(['get', 'values', 'shop', '-o', 'json', '--all']).stdout)).toMatchObject({
      image: { repository: 'sandbox-test/echo', tag: '1.1.0' },
      replicaCount: 2
    });
  }, 60000);

  it("surfaces the real Helm's schema error and exit code, and stores nothing", () => {
    const result = helm([
      'upgrade',
      '--install',
      'bad',
      chart,
      '--set',
      'canary.enabled=true,canary.weight=150'
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Error: INSTALLATION FAILED: values don't meet the specifications of the schema/
    );
    expect(result.stderr).toContain('/canary/weight');
    expect(helm(['status', 'bad']).stderr).toBe('Error: release: not found\n');
  });

  it('keeps values with --reuse-values, and a weight change does not restart pods', async () => {
    expect(
      helm([
        'upgrade',
        '--install',
        'shop-canary',
        chart,
        '--set',
        'canary.enabled=true,canary.weight=10',
        '--wait'
      ]).code
    ).toBe(0);
    const podsBefore = (await daemon.state()).pods.filter((p: { name: string }) =>
      p.name.startsWith('shop-canary-')
    );
    expect(
      helm(['upgrade', 'shop-canary', chart, '--reuse-values', '--set', 'canary.weight=50', '--wait']).code
    ).toBe(0);
    expect(JSON.parse(helm(['get', 'values', 'shop-canary', '-o', 'json']).stdout)).toEqual({
      canary: { enabled: true, weight: 50 }
    });
    const state = await daemon.state();
    const podsAfter = state.pods.filter((p: { name: string }) => p.name.startsWith('shop-canary-'));
    expect(podsAfter.map((p: { name: string }) => p.name).sort()).toEqual(
      podsBefore.map((p: { name: string }) => p.name).sort()
    );
    const routes = state.routes as Array<{ canary?: { weight: number; backend: { release: string } } }>;
    expect(routes[0].canary).toMatchObject({ weight: 50, backend: { release: 'shop-canary' } });

    expect(helm(['uninstall', 'shop-canary', '--wait']).stdout).toBe('release "shop-canary" uninstalled\n');
    expect(helm(['uninstall', 'shop-canary']).stderr).toBe(
      'Error: uninstall: Release not loaded: shop-canary: release: not found\n'
    );
    expect(helm(['uninstall', 'shop-canary', '--ignore-not-found']).code).toBe(0);
    expect((await daemon.state()).pods.some((p: { name: string }) => p.name.startsWith('shop-canary-'))).toBe(
      false
    );
  }, 60000);

  it.each([3, 4] as const)(
    'fails --wait like Helm %i when the release never gets ready',
    (major) => {
      const name = `crashy${major}`;
      const result = helm(
        ['upgrade', '--install', name, chart, '--set', 'crashAtStart=true', '--wait', '--timeout', '2s'],
        major
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Error: INSTALLATION FAILED:');
      expect(result.stderr).toContain('context deadline exceeded');
      expect(JSON.parse(helm(['status', name, '-o', 'json'], major).stdout).info.status).toBe('failed');
      const atomic = major === 4 ? '--rollback-on-failure' : '--atomic';
      const again = helm(
        ['upgrade', '--install', `${name}b`, chart, '--set', 'crashAtStart=true', atomic, '--timeout', '2s'],
        major
      );
      expect(again.stderr).toMatch(/has been uninstalled due to (atomic|rollback-on-failure) being set/);
      expect(helm(['status', `${name}b`], major).stderr).toBe('Error: release: not found\n');
      expect(helm(['uninstall', name, '--wait'], major).code).toBe(0);
    },
    60000
  );

  it('refuses to upgrade a release that does not exist without --install', () => {
    const result = helm(['upgrade', 'ghost', chart]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error: UPGRADE FAILED: "ghost" has no deployed releases\n');
  });
});
