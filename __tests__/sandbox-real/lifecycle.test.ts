// The sandbox's process lifecycle, with the real binaries: the CLI contract of `up --json`, `status` and
// `down`, and nothing left running when the process that started the sandbox dies.
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KUBERNETES_VERSION } from '../../sandbox/build/components.js';
import { manifestPath } from '../../sandbox/build/manifest.js';
import type { DaemonState } from '../../sandbox/control-plane/daemon-state.js';

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const built = existsSync(manifestPath);
if (!built)
  console.warn(`sandbox-real: SKIPPED, ${manifestPath} not found: run \`npm run sandbox:build\` first`);
const describeIfBuilt = built ? describe : describe.skip;

jest.setTimeout(180_000);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-lifecycle-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function gone(pid: number, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function cli(args: string[]): Promise<{ stdout: string; code: number }> {
  return execFileAsync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'sandbox/cli.ts'), ...args],
    {
      cwd: repoRoot
    }
  ).then(
    ({ stdout }) => ({ stdout, code: 0 }),
    (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code })
  );
}

/** Starts a fixture under tsx and resolves with its first line of output. */
function startFixture(fixture: string, arg: string): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures', fixture), arg],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit']
    }
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, firstLine: out.split('\n')[0] });
    });
    child.once('exit', (code) => reject(new Error(`${fixture} exited with ${code} before printing`)));
  });
}

describeIfBuilt('sandbox lifecycle', () => {
  test('a process the sandbox starts is killed by the kernel when its parent dies (setpriv --pdeathsig)', async () => {
    const { child, firstLine } = await startFixture('process-parent.ts', path.join(tempDir(), 'sleep.log'));
    const sleepPid = Number(firstLine);
    expect(alive(sleepPid)).toBe(true);
    child.kill('SIGKILL');
    expect(await gone(sleepPid, 10_000)).toBe(true);
  });

  test('up --json prints exactly the contract fields; status says what runs; down stops it all', async () => {
    const stateDir = tempDir();
    const up = await cli([
      'up',
      '--json',
      '--no-agent',
      '--state-dir',
      stateDir,
      '--max-lifetime-minutes',
      '10'
    ]);
    expect(up.code).toBe(0);
    const info = JSON.parse(up.stdout) as Record<string, string>;
    expect(Object.keys(info).sort()).toEqual([
      'ingress',
      'kubeconfig',
      'kubernetesVersion',
      'prometheus',
      'stateDir'
    ]);
    expect(info).toMatchObject({ stateDir, kubernetesVersion: KUBERNETES_VERSION });
    expect(info.ingress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${info.prometheus}/-/ready`).then((r) => r.status)).resolves.toBe(200);

    const state = JSON.parse(readFileSync(path.join(stateDir, 'daemon.json'), 'utf8')) as DaemonState;
    const status = await cli(['status', '--state-dir', stateDir]);
    expect(status.code).toBe(0);
    for (const name of [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'traefik',
      'prometheus'
    ])
      expect(status.stdout).toMatch(new RegExp(`${name} +pid \\d+ +running`));

    const again = await cli(['up', '--json', '--no-agent', '--state-dir', stateDir]);
    expect(again.code).toBe(1);

    expect((await cli(['down', '--state-dir', stateDir])).code).toBe(0);
    for (const pid of [state.daemonPid, ...state.processes.map((p) => p.pid)]) expect(alive(pid)).toBe(false);
    expect((await cli(['status', '--state-dir', stateDir])).stdout).toContain('not running');
  });

  test('an attached sandbox stops when the process that started it dies', async () => {
    const stateDir = tempDir();
    const { child } = await startFixture('sandbox-parent.ts', stateDir);
    const state = JSON.parse(readFileSync(path.join(stateDir, 'daemon.json'), 'utf8')) as DaemonState;
    expect(state.status).toBe('ready');
    child.kill('SIGKILL');
    expect(await gone(state.daemonPid)).toBe(true);
    for (const p of state.processes) expect(alive(p.pid)).toBe(false);
  });
});
