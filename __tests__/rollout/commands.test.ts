import { runCommand } from '../../src/rollout/commands.js';
import type { RolloutSpec } from '../../src/config/spec.js';
import {
  FakeClock,
  FakeDeployer,
  FakeMarksStore,
  chartRouter,
  seedCanary,
  MemoryLogger,
  RecordingReporter,
  RuleJudge,
  ScriptedSampler,
  healthySample,
  makeSpec
} from '../helpers/fakes.js';

function setup() {
  const deployer = new FakeDeployer();
  const store = new FakeMarksStore();
  const clock = new FakeClock();
  const deps = {
    deployer,
    router: chartRouter(deployer),
    marks: store,
    sampler: new ScriptedSampler(() => healthySample()),
    judge: new RuleJudge(),
    clock,
    reporter: new RecordingReporter(),
    log: new MemoryLogger()
  };
  const run = (spec: RolloutSpec, holder = 'run-1') => runCommand(spec, deps, { holder });
  return { deployer, store, clock, deps, run };
}

/** A canary of 2.0.0 at 50%, mid-soak, whose lease `holder` holds for ten more minutes. */
function soakingCanaryOf(
  holder: string,
  deployer: FakeDeployer,
  store: FakeMarksStore,
  clock: FakeClock
): void {
  const leaseUntil = new Date(clock.now() + 600_000).toISOString();
  seedCanary(deployer, store, 50, {
    version: '2.0.0',
    holder,
    stableRelease: 'storefront',
    phase: 'soaking',
    leaseUntil
  });
}

const ladder = (overrides: Partial<RolloutSpec> = {}) =>
  makeSpec({ steps: [10, 50, 100], soakSeconds: 60, ...overrides });

describe('commands', () => {
  it('manual: pauses at the first weight, a second run continues from there, status then says none', async () => {
    const { deployer, store, run } = setup();
    const first = await run(
      ladder({ decision: 'manual', manualGate: 'before-final' } as Partial<RolloutSpec>)
    );
    // before-final: steps 10 and 50 run without a gate, the pause comes before 100.
    expect(first.record.decision).toBe('paused');
    expect(first.record.finalWeight).toBe(50);
    // The lease was created once and written once more, for the pause: weight steps leave it alone.
    expect(store.calls.filter((c) => c !== 'read')).toEqual(['create soaking', 'update paused']);
    expect(store.marks?.phase).toBe('paused');

    const status = await run(ladder({ command: 'status' }), 'run-2');
    expect(status.status).toMatchObject({ status: 'paused', weight: 50, version: '2.0.0' });

    // Another run (a person approving) continues from the next step.
    deployer.calls = [];
    const second = await run(ladder(), 'run-3');
    expect(second.record.decision).toBe('promoted');
    expect(deployer.calls).toEqual(['setWeight 100', 'promoteStable', 'zeroWeight', 'removeCanary']);
    // No canary left, no lease left.
    expect(store.marks).toBeUndefined();

    const after = await run(ladder({ command: 'status' }), 'run-4');
    expect(after.status).toEqual({ status: 'none' });
    expect(after.record.decision).toBe('none');
  });

  it('promote from another run promotes the canary in flight and removes it', async () => {
    const { deployer, store, run } = setup();
    await run(ladder({ decision: 'manual' }));
    deployer.calls = [];
    expect(store.marks?.holder).toBe('run-1');
    // Another run that does not know the version: it is read back from the canary.
    const result = await run(ladder({ command: 'promote', version: '' }), 'run-2');
    expect(result.record.decision).toBe('promoted');
    expect(result.record.reason).toBe(
      'Promoted by hand. storefront now runs 2.0.0 at 100% (revision 2, deployed); storefront-canary was removed.'
    );
    expect(deployer.calls).toEqual(['promoteStable', 'zeroWeight', 'removeCanary']);
    // The promotion by another run removed run-1's canary, and with it run-1's lease.
    expect(store.marks).toBeUndefined();
  });

  it('rollback removes the canary whoever holds the lock, and says none when there is nothing', async () => {
    const { deployer, store, run } = setup();
    seedCanary(deployer, store, 25, {
      version: '2.0.0',
      holder: 'run-9',
      stableRelease: 'storefront',
      phase: 'soaking',
      leaseUntil: '2099-01-01T00:00:00Z'
    });
    const result = await run(ladder({ command: 'rollback' }), 'run-2');
    expect(result.record.decision).toBe('rolled-back');
    expect(result.record.reason).toContain('from 25%');
    expect(deployer.weight).toBeNull();
    expect((await run(ladder({ command: 'rollback' }))).record.decision).toBe('none');
  });

  it('rollback deletes a lease left without its canary (uninstalled by hand), so deploys are not refused until it expires', async () => {
    const { deployer, store, clock, run } = setup();
    soakingCanaryOf('run-9', deployer, store, clock);
    deployer.weight = null; // `helm uninstall` by hand: the lease is left
    expect((await run(ladder(), 'run-2')).record.decision).toBe('refused');
    const result = await run(ladder({ command: 'rollback' }), 'run-2');
    expect(result.record.decision).toBe('none');
    expect(result.record.reason).toMatch(/Deleted the leftover Lease .* of run run-9\.$/);
    expect(store.marks).toBeUndefined();
    // A first release's lease guards an install of stable, not a canary: a rollback leaves it.
    store.seed({ holder: 'run-7', stableRelease: 'storefront', phase: 'installing' });
    await run(ladder({ command: 'rollback' }), 'run-2');
    expect(store.marks?.holder).toBe('run-7');
  });

  it('refuses a deploy of another version while a canary is in flight, and changes nothing', async () => {
    const { deployer, store, run } = setup();
    seedCanary(deployer, store, 10, {
      version: '2.0.0',
      holder: 'run-1',
      stableRelease: 'storefront',
      phase: 'paused',
      leaseUntil: ''
    });
    deployer.calls = [];
    const result = await run(ladder({ version: '3.0.0' }), 'run-2');
    expect(result.record.decision).toBe('refused');
    expect(result.record.reason).toMatch(/already runs 2\.0\.0 at 10%.*replace: true/);
    expect(deployer.calls).toEqual([]);
    expect(store.marks?.holder).toBe('run-1');
  });

  it('never upgrades or removes a release that carries no marks for this stable release', async () => {
    const { deployer, store, run } = setup();
    // A release of that name, but no lease beside it.
    seedCanary(deployer, store, 30, {});
    deployer.calls = [];
    for (const command of ['rollback', 'promote', 'deploy'] as const) {
      const result = await run(ladder({ command, canaryRelease: 'otherapp', replace: true }), 'run-2');
      expect(result.record.decision).toBe('refused');
      expect(result.record.reason).toMatch(/otherapp exists but carries no canary-action marks/);
    }
    expect(deployer.calls).toEqual([]);
    expect(deployer.weight).toBe(30);
    expect(store.calls.filter((c) => c !== 'read')).toEqual([]);
  });

  it('a failed removal after a hand promotion still says promoted, with what is left and its real weight', async () => {
    const { deployer, store, deps, run } = setup();
    soakingCanaryOf('run-1', deployer, store, new FakeClock());
    deployer.failOn.zeroWeight = new Error('upgrade: Kubernetes API unreachable');
    deployer.failOn.removeCanary = new Error('uninstall: Kubernetes API unreachable');
    const result = await run(ladder({ command: 'promote', version: '' }), 'run-1');
    expect(result.record.decision).toBe('promoted');
    expect(result.record.reason).toMatch(
      /storefront now runs 2\.0\.0 at 100% \(revision 2, deployed\); storefront-canary is still deployed at 50%.*remove it with `command: rollback`/
    );
    expect(result.record.finalWeight).toBe(50);
    expect(result.record.incomplete).toMatch(/still deployed at 50%/);
    // Reported on this path too: the check run, summary and alert go out from the reporter.
    expect(deps.reporter.events).toContain('finish promoted');
    expect(deployer.calls.filter((c) => c === 'removeCanary')).toHaveLength(3);
    // The canary is still there, so its lease stays: a later `command: rollback` must recognise it.
    expect(store.marks?.holder).toBe('run-1');
  });

  it('replace: true rolls the old canary back first', async () => {
    const { deployer, store, run } = setup();
    seedCanary(deployer, store, 10, {
      version: '2.0.0',
      holder: 'run-1',
      stableRelease: 'storefront',
      phase: 'paused',
      leaseUntil: ''
    });
    deployer.calls = [];
    const result = await run(ladder({ version: '3.0.0', replace: true }), 'run-2');
    expect(result.record.decision).toBe('promoted');
    expect(deployer.calls.slice(0, 3)).toEqual(['zeroWeight', 'removeCanary', 'installCanary 10']);
  });

  it('refuses to drive a canary another live run holds, even of the same version', async () => {
    const { deployer, store, clock, run } = setup();
    soakingCanaryOf('run-1', deployer, store, clock);
    deployer.calls = [];
    const result = await run(ladder(), 'run-2');
    expect(result.record.decision).toBe('refused');
    expect(result.record.reason).toContain('driven by run run-1');
    expect(deployer.calls).toEqual([]);
    expect(store.marks?.holder).toBe('run-1');
  });

  it('resumes a crashed run (same run id) at the current weight', async () => {
    const { deployer, store, clock, run } = setup();
    soakingCanaryOf('run-1', deployer, store, clock);
    deployer.calls = [];
    const result = await run(ladder(), 'run-1');
    expect(result.record.decision).toBe('promoted');
    expect(deployer.calls).toEqual([
      'setWeight 50',
      'setWeight 100',
      'promoteStable',
      'zeroWeight',
      'removeCanary'
    ]);
  });

  it('writes its check run id into the marks, and a re-run after a crash continues that check run', async () => {
    const { deployer, store, clock, deps } = setup();
    // The check run exists only once the reporter created it, after the lease was taken.
    let checkRunId: number | undefined;
    deps.deployer.installCanary = async (weight) => {
      await FakeDeployer.prototype.installCanary.call(deployer, weight);
      checkRunId = 1003;
    };
    const first = await runCommand(ladder({ decision: 'manual' }), deps, {
      holder: 'run-1',
      checkRunId: () => checkRunId
    });
    expect(first.record.decision).toBe('paused');
    // Written once it was known (after the install), not at every step.
    expect(store.calls.filter((c) => c !== 'read')).toEqual([
      'create soaking',
      'update soaking',
      'update paused'
    ]);
    expect(store.marks?.checkRunId).toBe('1003');

    // A run killed mid-soak leaves marks in phase soaking: the re-run adopts its check run.
    soakingCanaryOf('run-1', deployer, store, clock);
    store.seed({ ...store.marks!, checkRunId: '1003' });
    const adopted: number[] = [];
    await runCommand(ladder(), deps, { holder: 'run-1', adoptCheckRun: (id) => adopted.push(id) });
    expect(adopted).toEqual([1003]);
  });

  it('does not adopt the completed check run of a deliberately paused canary', async () => {
    const { deployer, store, deps } = setup();
    seedCanary(deployer, store, 10, {
      version: '2.0.0',
      holder: 'run-1',
      stableRelease: 'storefront',
      phase: 'paused',
      checkRunId: '77'
    });
    const adopted: number[] = [];
    await runCommand(ladder(), deps, { holder: 'run-2', adoptCheckRun: (id) => adopted.push(id) });
    expect(adopted).toEqual([]);
  });
});
