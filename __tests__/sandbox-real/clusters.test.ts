// Two sandbox clusters at once, with the real binaries, through the CLI (`up --clusters 2 --json`,
// `status`, `down`): each cluster's Node is Ready through its own context of the one kubeconfig, an
// object made in cluster a is not in cluster b, and `down` leaves no daemon and no network namespace.
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { manifestPath, readManifest } from '../../sandbox/build/manifest.js';
import type { DaemonState } from '../../sandbox/control-plane/daemon-state.js';

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const built = existsSync(manifestPath);
if (!built)
  console.warn(`sandbox-real: SKIPPED, ${manifestPath} not found: run \`npm run sandbox:build\` first`);
const describeIfBuilt = built ? describe : describe.skip;

jest.setTimeout(300_000);

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-clusters-'));
afterAll(async () => {
  await cli(['down', '--state-dir', stateDir]);
  rmSync(stateDir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return execFileAsync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'sandbox/cli.ts'), ...args],
    {
      cwd: repoRoot
    }
  ).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({
      stdout: error.stdout,
      stderr: error.stderr,
      code: error.code
    })
  );
}

interface SetInfo {
  kubeconfig: string;
  actionKubeconfig: string;
  stateDir: string;
  kubernetesVersion: string;
  clusters: Array<{
    context: string;
    ingress: string;
    prometheus: string;
    auditLog: string;
    nodeName: string;
    stateDir: string;
  }>;
}

const linkNames = async (): Promise<string[]> =>
  (JSON.parse((await execFileAsync('ip', ['-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>).map(
    (l) => l.ifname
  );

/** The bridges of this test's node agents, from the agents' registry (node-agent/agent-registry.ts). */
function ourBridges(): string[] {
  const dir = '/run/sandbox-node-agent';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .filter((f) =>
      (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { stateDir: string }).stateDir.startsWith(
        stateDir
      )
    )
    .map((f) => `sandbox-${f.slice(0, -'.json'.length)}br`);
}

/** Whether pid runs: gone, or a zombie its new parent has not reaped yet, is not running. */
function running(pid: number): boolean {
  try {
    // The state is the field after the command's closing parenthesis: Z and X are dead.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

describeIfBuilt('two sandbox clusters at once', () => {
  test('a bad --clusters is refused before anything starts, naming the flag', async () => {
    const bad = await cli(['up', '--clusters', 'two', '--state-dir', path.join(stateDir, 'bad')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--clusters: expected a whole number from 1 to 4, got "two"');
    expect(existsSync(path.join(stateDir, 'bad'))).toBe(false);
    const missing = await cli(['up', '--clusters']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Option '--clusters <value>' argument missing");
  });

  test('up --clusters 2: two Nodes Ready through contexts a and b, objects apart; down removes it all', async () => {
    const started = Date.now();
    const up = await cli([
      'up',
      '--clusters',
      '2',
      '--json',
      '--state-dir',
      stateDir,
      '--pod-cidr',
      '10.244.110.0/24',
      '--max-lifetime-minutes',
      '15'
    ]);
    console.log(`up --clusters 2: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(up.code).toBe(0);
    const info = JSON.parse(up.stdout) as SetInfo;
    expect(Object.keys(info).sort()).toEqual([
      'actionKubeconfig',
      'clusters',
      'kubeconfig',
      'kubernetesVersion',
      'stateDir'
    ]);
    expect(info.clusters.map((c) => [c.context, c.nodeName])).toEqual([
      ['a', 'sandbox-node-a'],
      ['b', 'sandbox-node-b']
    ]);
    const [a, b] = info.clusters;
    expect(a.ingress).not.toBe(b.ingress);
    expect(a.prometheus).not.toBe(b.prometheus);
    expect(a.auditLog).not.toBe(b.auditLog);
    for (const c of info.clusters) {
      await expect(fetch(`${c.prometheus}/-/ready`).then((r) => r.status)).resolves.toBe(200);
      expect(existsSync(c.auditLog)).toBe(true);
    }

    const kubectl = readManifest().binaries.kubectl;
    const k = async (context: string, args: string[]): Promise<string> =>
      (await execFileAsync(kubectl, [`--kubeconfig=${info.kubeconfig}`, `--context=${context}`, ...args]))
        .stdout;
    for (const [context, node] of [
      ['a', 'sandbox-node-a'],
      ['b', 'sandbox-node-b']
    ]) {
      const nodes = JSON.parse(await k(context, ['get', 'nodes', '-o', 'json'])) as {
        items: Array<{
          metadata: { name: string };
          status: { conditions: Array<{ type: string; status: string }> };
        }>;
      };
      // Each cluster has exactly its own Node, and it is Ready.
      expect(nodes.items.map((n) => n.metadata.name)).toEqual([node]);
      expect(nodes.items[0].status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    expect(
      (
        await execFileAsync(kubectl, [`--kubeconfig=${info.kubeconfig}`, 'config', 'current-context'])
      ).stdout.trim()
    ).toBe('a');

    await k('a', ['create', 'configmap', 'only-in-a', '--from-literal=cluster=a']);
    expect(await k('a', ['get', 'configmap', 'only-in-a', '-o', 'jsonpath={.data.cluster}'])).toBe('a');
    await expect(k('b', ['get', 'configmap', 'only-in-a'])).rejects.toThrow(/NotFound|not found/);

    const status = await cli(['status', '--state-dir', stateDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('a set of 2 clusters');
    expect(status.stdout.match(/kube-apiserver +pid \d+ +running/g)).toHaveLength(2);

    // A single cluster in the same state dir would take a's addresses: refused.
    const single = await cli(['up', '--state-dir', stateDir]);
    expect(single.code).toBe(1);
    expect(single.stderr).toContain('cluster a of a set is running');

    const states = info.clusters.map(
      (c) => JSON.parse(readFileSync(path.join(c.stateDir, 'daemon.json'), 'utf8')) as DaemonState
    );
    const bridges = ourBridges();
    expect(bridges).toHaveLength(2);
    expect((await linkNames()).filter((l) => bridges.includes(l))).toHaveLength(2);
    const down = await cli(['down', '--state-dir', stateDir]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('stopped clusters a, b');
    for (const state of states)
      for (const pid of [state.daemonPid, ...state.processes.map((p) => p.pid)])
        expect(running(pid)).toBe(false);
    const left = await linkNames();
    expect(bridges.filter((l) => left.includes(l))).toEqual([]);
    expect((await cli(['status', '--state-dir', stateDir])).stdout).toContain('not running');
  });
});
