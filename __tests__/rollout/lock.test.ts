// The lock on a canary (rollout/lock.ts): a lease created create-only, taken over only with a
// resourceVersion precondition, read back and holder-checked, and deleted only while it is still
// the one this run knows.
import { CanaryLease, NothingDeployedError } from '../../src/rollout/lock.js';
import { makeMarks } from '../../src/rollout/ownership.js';
import { FakeDeployer, FakeMarksStore } from '../helpers/fakes.js';

const now = Date.UTC(2026, 10, 21, 12, 0, 0);
const marksOf = (holder: string, overrides: Record<string, string> = {}) => ({
  ...makeMarks({
    version: '2.0.0',
    holder,
    stableRelease: 'storefront',
    phase: 'soaking',
    now,
    leaseSeconds: 600,
    startedAt: new Date(now).toISOString()
  }),
  ...overrides
});

function lease(store: FakeMarksStore, deployer = new FakeDeployer(), at = now) {
  return new CanaryLease(store, deployer, () => at);
}

describe('the canary lease', () => {
  it('of two runs that race, the first creator wins and the other is refused naming it', async () => {
    const store = new FakeMarksStore();
    const [a, b] = await Promise.all([
      lease(store).take(marksOf('run-1')),
      lease(store).take(marksOf('run-2'))
    ]);
    expect(a).toEqual({ acquired: true });
    expect(b).toEqual({
      acquired: false,
      reason: 'the canary is being driven by run run-1 (lease until 2026-11-21T12:10:00.000Z)'
    });
    expect(store.marks?.holder).toBe('run-1');
  });

  it('takes over an expired lease, but not when another run wrote it between the read and the write', async () => {
    const store = new FakeMarksStore();
    store.seed(marksOf('run-1'));
    const later = now + 601_000;
    expect(await lease(store, undefined, later).take(marksOf('run-2'))).toEqual({ acquired: true });
    expect(store.marks?.holder).toBe('run-2');

    // Again, but run-3 takes it over between run-2's read and run-2's update.
    store.seed(marksOf('run-1'));
    const racing = lease(store, undefined, later);
    let writes = 0;
    const update = store.update.bind(store);
    store.update = async (marks, current) => {
      if (writes++ === 0) store.seed(marksOf('run-3', { leaseUntil: '2099-01-01T00:00:00.000Z' }));
      return update(marks, current);
    };
    const result = await racing.take(marksOf('run-2'));
    expect(result).toEqual({
      acquired: false,
      reason: 'the canary is being driven by run run-3 (lease until 2099-01-01T00:00:00.000Z)'
    });
    expect(store.marks?.holder).toBe('run-3');
  });

  it('refuses a live lease of another run, and one held for another stable release', async () => {
    const store = new FakeMarksStore();
    store.seed(marksOf('run-1'));
    expect((await lease(store).take(marksOf('run-2'))).acquired).toBe(false);
    store.seed(marksOf('run-1', { stableRelease: 'cart', phase: 'paused' }));
    expect(await lease(store).take(marksOf('run-2'))).toEqual({
      acquired: false,
      reason: 'Lease shop/storefront-canary.canary-action is held for stable release cart'
    });
  });

  it('a failed install with nothing deployed throws NothingDeployedError; release deletes the lease it holds', async () => {
    const store = new FakeMarksStore();
    const deployer = new FakeDeployer();
    deployer.failOn.installCanary = new Error('render failed');
    const held = lease(store, deployer);
    await expect(held.acquire(10, marksOf('run-1'))).rejects.toBeInstanceOf(NothingDeployedError);
    expect(store.marks?.holder).toBe('run-1');
    await held.release('held');
    expect(store.marks).toBeUndefined();
  });

  it('a release of that name made by someone else meanwhile is refused, and the lease given back', async () => {
    const store = new FakeMarksStore();
    const deployer = new FakeDeployer();
    deployer.weight = 30; // `helm install` finds the name taken
    const result = await lease(store, deployer).acquire(10, marksOf('run-1'));
    expect(result.acquired).toBe(false);
    expect(store.marks).toBeUndefined();
    expect(deployer.weight).toBe(30);
  });

  it('never deletes a lease someone made or wrote since this run read it', async () => {
    const store = new FakeMarksStore();
    store.seed(marksOf('run-1'));
    const rollback = lease(store);
    await rollback.read();
    store.seed(marksOf('run-2')); // a new lease (another uid) since the read
    await rollback.release('any');
    expect(store.marks?.holder).toBe('run-2');

    const mine = lease(store, undefined, now + 601_000);
    expect((await mine.take(marksOf('run-4'))).acquired).toBe(true);
    await store.update(marksOf('run-5'), (await store.read())!); // someone wrote it after our take
    await mine.release('held');
    expect(store.marks?.holder).toBe('run-5');
  });

  it('refresh writes the marks only when one besides the lease end changed', async () => {
    const store = new FakeMarksStore();
    const held = lease(store);
    await held.take(marksOf('run-1'));
    await held.refresh(marksOf('run-1', { leaseUntil: '2026-11-21T12:30:00.000Z' }));
    expect(store.calls.filter((c) => c.startsWith('update'))).toEqual([]);
    await held.refresh(marksOf('run-1', { checkRunId: '7' }));
    expect(store.calls.filter((c) => c.startsWith('update'))).toEqual(['update soaking']);
    expect(store.marks).toMatchObject({ checkRunId: '7', leaseUntil: '2026-11-21T12:10:00.000Z' });
  });
});
