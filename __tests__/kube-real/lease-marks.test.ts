// The ownership marks on a real API server (the sandbox's kube-apiserver), through the real kubectl
// adapter: the Lease is created create-only (a second create is refused), updates and deletes carry
// the server's own preconditions (resourceVersion, uid), and of runs that race for the canary exactly
// one takes the lock. Needs the sandbox binaries: skips with a message when
// .tools/sandbox/manifest.json is missing (CI builds them with `npm run sandbox:build`).
import { expect, jest, test } from '@jest/globals';
import { actionsExecRunner } from '../../src/deploy/command-runner.js';
import { KubectlObjects } from '../../src/kube/kubectl.js';
import { LeaseMarksStore, leaseName } from '../../src/kube/lease-marks.js';
import { CanaryLease } from '../../src/rollout/lock.js';
import { MarksConflictError } from '../../src/rollout/marks-store.js';
import { makeMarks } from '../../src/rollout/ownership.js';
import { describeIfSandboxBuilt, useApiServer } from '../helpers/api-server.js';

const describeIfBuilt = describeIfSandboxBuilt('kube-real');

jest.setTimeout(180_000);

const NS = 'shop';

const server = useApiServer('kube-real-', NS);
const kubectl = server.kubectl;

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
  const store = (canary: string) =>
    new LeaseMarksStore(new KubectlObjects(actionsExecRunner, server.kubectlBinary), NS, canary);

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
