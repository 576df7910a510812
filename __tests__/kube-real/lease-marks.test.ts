// The ownership marks on a real API server (the sandbox's kube-apiserver), through the real kubectl
// adapter: the Lease is created create-only (a second create is refused), updates and deletes carry
// the server's own preconditions (resourceVersion, uid), and of runs that race for the canary exactly
// one takes the lock. Needs the sandbox binaries: skips with a message when
// .tools/sandbox/manifest.json is missing (CI builds them with `npm run sandbox:build`).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { LeaseMarksStore, leaseName } from '../../src/kube/lease-marks.js';
import { CanaryLease } from '../../src/rollout/lock.js';
import { MarksConflictError } from '../../src/rollout/marks-store.js';
import { makeMarks } from '../../src/rollout/ownership.js';

const execFileAsync = promisify(execFile);
const root = process.env.SANDBOX_ROOT ?? path.resolve(import.meta.dirname, '../..');
const manifestFile = path.join(root, '.tools/sandbox/manifest.json');
const cli = path.join(root, 'sandbox/cli.ts');
const built = existsSync(manifestFile) && existsSync(cli);
if (!built) {
  console.warn(
    `kube-real: SKIPPED, ${manifestFile} (or ${cli}) not found: run \`npm run sandbox:build\` first`
  );
}
const describeIfBuilt = built ? describe : describe.skip;

jest.setTimeout(180_000);

const NS = 'shop';
let stateDir: string;
let kubectlPath: string;
let kubeconfig: string;
let previousKubeconfig: string | undefined;

const sandbox = (args: string[]) =>
  execFileAsync(process.execPath, ['--import', 'tsx', cli, ...args, '--state-dir', stateDir], { cwd: root });

const kubectl = async (args: string[]): Promise<string> =>
  (await execFileAsync(kubectlPath, [`--kubeconfig=${kubeconfig}`, ...args])).stdout;

const marksOf = (holder: string, now = Date.now()) =>
  makeMarks({
    version: '2.0.0',
    holder,
    stableRelease: 'storefront',
    phase: 'soaking',
    now,
    leaseSeconds: 600,
    startedAt: new Date(now).toISOString()
  });

describeIfBuilt('the marks Lease on a real API server', () => {
  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { binaries: { kubectl: string } };
    kubectlPath = manifest.binaries.kubectl;
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'kube-real-'));
    const { stdout } = await sandbox(['up', '--no-agent', '--json']);
    kubeconfig = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { kubeconfig: string }).kubeconfig;
    // The adapter runs kubectl with the process environment, as on a runner.
    previousKubeconfig = process.env.KUBECONFIG;
    process.env.KUBECONFIG = kubeconfig;
    await kubectl(['create', 'namespace', NS]);
  });

  afterAll(async () => {
    if (previousKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previousKubeconfig;
    if (stateDir) {
      await sandbox(['down']).catch((error: unknown) => console.warn(`sandbox down: ${String(error)}`));
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  const store = (canary: string) =>
    new LeaseMarksStore(new KubectlObjects(actionsExecRunner, kubectlPath), NS, canary);

  test('create-only, read back, resourceVersion and uid preconditions, delete', async () => {
    const marks = store('storefront-canary');
    expect(await marks.read()).toBeUndefined();
    const created = await marks.create({ ...marksOf('run-1'), checkRunId: '77' });
    expect(created?.marks).toMatchObject({ holder: 'run-1', stableRelease: 'storefront', checkRunId: '77' });
    // A second create is refused by the server: the first creator wins.
    expect(await marks.create(marksOf('run-2'))).toBeUndefined();

    // What a person sees with kubectl: a Lease with its holder.
    const lease = JSON.parse(
      await kubectl(['get', 'lease', leaseName('storefront-canary'), '-n', NS, '-o', 'json'])
    ) as { spec: { holderIdentity: string; leaseDurationSeconds: number } };
    expect(lease.spec.holderIdentity).toBe('run-1');
    expect(lease.spec.leaseDurationSeconds).toBeGreaterThan(590);

    const updated = await marks.update({ ...marksOf('run-1'), phase: 'paused' }, created!);
    expect(updated.marks.phase).toBe('paused');
    expect(updated.resourceVersion).not.toBe(created!.resourceVersion);
    // A write from the stale version is refused by the server, and changes nothing.
    await expect(marks.update(marksOf('run-3'), created!)).rejects.toBeInstanceOf(MarksConflictError);
    await expect(marks.remove(created!)).rejects.toBeInstanceOf(MarksConflictError);
    expect((await marks.read())?.marks.holder).toBe('run-1');

    await marks.remove(updated);
    expect(await marks.read()).toBeUndefined();
    await marks.remove(updated); // gone already is fine
  });

  test('of eight runs that race for the lock at once, exactly one takes it', async () => {
    const runs = Array.from({ length: 8 }, (_, i) => `run-${i + 1}`);
    const results = await Promise.all(
      runs.map((holder) =>
        new CanaryLease(
          store('race-canary'),
          { installCanary: async () => {}, canaryState: async () => ({ exists: false }) },
          Date.now
        ).take(marksOf(holder))
      )
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const holder = (await store('race-canary').read())!.marks.holder;
    for (const result of results) {
      if (!result.acquired) expect(result.reason).toContain(`driven by run ${holder}`);
    }
  });
});
