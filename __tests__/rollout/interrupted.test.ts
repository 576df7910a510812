// The post step's decisions on an interrupted rollout (rollout/interrupted.ts): it reads both
// releases back and reports what is true, through the same outcome path as the engine.
import { finishInterrupted } from '../../src/rollout/interrupted.js';
import { newRecord } from '../../src/rollout/record-builder.js';
import { outcomeDeps } from '../../src/rollout/commands.js';
import type { RolloutRecord } from '../../src/rollout/record.js';
import {
  FakeClock,
  FakeDeployer,
  FakeMarksStore,
  chartRouter,
  MemoryLogger,
  RecordingReporter,
  RuleJudge,
  ScriptedSampler,
  healthySample,
  makeSpec
} from '../helpers/fakes.js';

const spec = makeSpec({ steps: [20, 50] });

function setup() {
  const deployer = new FakeDeployer();
  const store = new FakeMarksStore();
  const clock = new FakeClock();
  const reporter = new RecordingReporter();
  const deps = outcomeDeps({
    deployer,
    router: chartRouter(deployer),
    marks: store,
    clock,
    reporter,
    log: new MemoryLogger(),
    sampler: new ScriptedSampler(() => healthySample()),
    judge: new RuleJudge()
  });
  const record: RolloutRecord = newRecord(spec, new Date(clock.now()));
  record.currentWeight = 50;
  record.stepRecords.push({
    index: 1,
    weight: 50,
    startedAt: record.startedAt,
    soakedSeconds: 30,
    canaryRequests: 10,
    stableRequests: 40,
    outcome: 'running'
  });
  // This run's canary at 50%.
  deployer.weight = 50;
  store.seed({ holder: 'run-1', stableRelease: 'storefront', version: '2.0.0' });
  return { deployer, store, clock, reporter, deps, record };
}

describe('the post step after an interruption', () => {
  it('killed during the promotion after stable took the new version: finishes it, promoted', async () => {
    const { deployer, deps, record, reporter } = setup();
    deployer.stable = { exists: true, status: 'deployed', revision: 2, version: '2.0.0' };
    const done = await finishInterrupted(spec, record, 'promoting', 'run-1', deps);
    expect(done.decision).toBe('promoted');
    expect(done.reason).toMatch(
      /storefront now runs 2\.0\.0 at 100% \(revision 2, deployed\); storefront-canary was removed/
    );
    expect(deployer.weight).toBeNull();
    expect(done.finalWeight).toBe(100);
    expect(reporter.events).toEqual(['finish promoted']);
  });

  it('waits while stable is pending-upgrade, then says what Helm finished with', async () => {
    const { deployer, deps, record } = setup();
    const states = [
      { exists: true, status: 'pending-upgrade', revision: 2, version: '2.0.0' },
      { exists: true, status: 'pending-upgrade', revision: 2, version: '2.0.0' },
      { exists: true, status: 'deployed', revision: 2, version: '2.0.0' }
    ];
    deployer.stableState = async () => ({
      ...(states.shift() ?? { exists: true, status: 'deployed', revision: 2, version: '2.0.0' })
    });
    const done = await finishInterrupted(spec, record, 'promoting', 'run-1', deps);
    expect(done.decision).toBe('promoted');
  });

  it('stopped before stable took the new version: cancelled, and the reason says what stable runs', async () => {
    const { deployer, deps, record } = setup();
    deployer.stable = { exists: true, status: 'failed', revision: 2, version: '1.0.0' };
    const done = await finishInterrupted(spec, record, 'promoting', 'run-1', deps);
    expect(done.decision).toBe('cancelled');
    expect(done.reason).toMatch(/storefront runs 1\.0\.0 \(revision 2, failed\)/);
    expect(done.reason).not.toMatch(/not touched|untouched/);
    expect(deployer.weight).toBeNull();
  });

  it("killed while removing a canary the judge had rolled back: the judge's decision and reason stand", async () => {
    const { deps, record, reporter } = setup();
    record.pending = { decision: 'rolled-back', reason: '5xx rate 29% on canary vs 0.4% on stable' };
    const done = await finishInterrupted(spec, record, 'rolling-back', 'run-1', deps);
    expect(done.decision).toBe('rolled-back');
    expect(done.reason).toMatch(/^5xx rate 29% on canary vs 0\.4% on stable\. storefront runs 1\.0\.0/);
    expect(done.finalWeight).toBe(0);
    expect(reporter.events).toEqual(['finish rolled-back']);
  });

  it('cancelled mid-soak: removes the canary and its lease, and reports cancelled with stable read back', async () => {
    const { deployer, store, deps, record } = setup();
    const done = await finishInterrupted(spec, record, 'interrupted', 'run-1', deps);
    expect(done.decision).toBe('cancelled');
    expect(done.reason).toMatch(
      /^Cancelled at 50% during step 2 of 2\. storefront runs 1\.0\.0 \(revision 1, deployed\); storefront-canary was removed\./
    );
    expect(deployer.weight).toBeNull();
    expect(store.marks).toBeUndefined();
  });

  it("never removes another run's canary, or a release without marks", async () => {
    const { deployer, store, deps, record } = setup();
    store.seed({ holder: 'run-9', stableRelease: 'storefront' });
    const done = await finishInterrupted(spec, record, 'soaking', 'run-1', deps);
    expect(done.decision).toBe('cancelled');
    expect(done.reason).toMatch(/left alone: the canary is being driven by run run-9/);
    expect(deployer.calls).toEqual([]);
    expect(deployer.weight).toBe(50);
    expect(store.marks?.holder).toBe('run-9');
  });

  it("leaves another run's lease alone even before its canary exists (it may be installing it)", async () => {
    const { deployer, store, deps, record } = setup();
    deployer.weight = null;
    store.seed({ holder: 'run-9', stableRelease: 'storefront', phase: 'soaking' });
    const done = await finishInterrupted(spec, record, 'deploying', 'run-1', deps);
    expect(done.decision).toBe('cancelled');
    expect(deployer.calls).toEqual([]);
    expect(store.marks?.holder).toBe('run-9');
  });
});
