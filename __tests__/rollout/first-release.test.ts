// A first release (issue 12): no stable release yet, so the chart is installed directly as stable,
// decision `installed`, read back before it is reported; `first-release: refuse` turns it off.
import { runCommand } from '../../src/rollout/commands.js';
import { finishInterrupted } from '../../src/rollout/interrupted.js';
import { outcomeDeps } from '../../src/rollout/commands.js';
import { newRecord } from '../../src/rollout/record-builder.js';
import { conclusionFor } from '../../src/report/request-body.js';
import { renderTitle } from '../../src/report/title.js';
import { renderSummary } from '../../src/report/markdown.js';
import { shouldAlert } from '../../src/report/alert-messages.js';
import type { RolloutSpec } from '../../src/config/spec.js';
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

function setup() {
  const deployer = new FakeDeployer();
  deployer.stable = { exists: false };
  const store = new FakeMarksStore();
  const sampler = new ScriptedSampler(() => healthySample());
  const reporter = new RecordingReporter();
  const deps = {
    deployer,
    router: chartRouter(deployer),
    marks: store,
    sampler,
    judge: new RuleJudge(),
    clock: new FakeClock(),
    reporter,
    log: new MemoryLogger()
  };
  const run = (spec: RolloutSpec, holder = 'run-1') => runCommand(spec, deps, { holder });
  return { deployer, store, sampler, reporter, deps, run };
}

const spec = (overrides: Partial<RolloutSpec> = {}) =>
  makeSpec({ steps: [10, 50, 100], soakSeconds: 60, ...overrides });

describe('a first release', () => {
  it('installs the chart directly as stable: installed, read back, reported as not canaried', async () => {
    const { deployer, store, sampler, reporter, run } = setup();
    const { record } = await run(spec());
    expect(record.decision).toBe('installed');
    expect(record.reason).toBe(
      'First release: storefront had no deployed release in namespace shop, so 2.0.0 was installed directly as stable, not canaried. storefront runs 2.0.0 (revision 1, deployed).'
    );
    expect(record.finalWeight).toBe(100);
    // No canary, no metrics: there is nothing to compare against.
    expect(deployer.calls).toEqual(['installStable']);
    expect(sampler.calls).toBe(0);
    // The lease was held for the install, then deleted.
    expect(store.calls.filter((c) => c !== 'read')).toEqual(['create installing', 'remove']);
    expect(store.marks).toBeUndefined();
    expect(reporter.events).toEqual(['finish installed']);
    expect(conclusionFor('installed')).toBe('success');
    expect(renderTitle(record)).toBe(
      'Installed 2.0.0 as the first release of storefront (no stable to canary against; not canaried)'
    );
    expect(renderSummary(record)).toMatch(/Installed as the first release[\s\S]*it was not canaried/);
    expect(shouldAlert(record)).toBe(true);
  });

  it('`first-release: refuse` refuses before anything changes, naming the input', async () => {
    const { deployer, store, reporter, run } = setup();
    const { record } = await run(spec({ firstRelease: 'refuse' }));
    expect(record.decision).toBe('refused');
    expect(record.reason).toMatch(
      /^Refused: storefront has no deployed release in namespace shop, and input `first-release` is `refuse`.*Nothing was changed\.$/
    );
    expect(deployer.calls).toEqual([]);
    expect(store.calls.filter((c) => c !== 'read')).toEqual([]);
    expect(reporter.events).toEqual(['finish refused']);
    expect(conclusionFor('refused')).toBe('failure');
  });

  it('an install that fails is failed, with the error and what stable is now', async () => {
    const { deployer, store, run } = setup();
    deployer.failOn.installStable = new Error('INSTALLATION FAILED: context deadline exceeded');
    const { record } = await run(spec());
    expect(record.decision).toBe('failed');
    expect(record.reason).toBe(
      'Installing storefront 2.0.0 as the first release failed: INSTALLATION FAILED: context deadline exceeded. storefront is not installed (expected 2.0.0, deployed).'
    );
    expect(record.finalWeight).toBe(0);
    expect(store.marks).toBeUndefined();
  });

  it('never a wrong success: an install that returned but left stable not deployed is failed', async () => {
    const { deployer, run } = setup();
    deployer.installsStableAs = { exists: true, status: 'failed', revision: 1, version: '2.0.0' };
    const { record } = await run(spec());
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(
      /storefront runs 2\.0\.0 \(revision 1, failed\) \(expected 2\.0\.0, deployed\)/
    );
  });

  it('two first releases at once: one installs, the other is refused naming the holder', async () => {
    const { deployer, run } = setup();
    const [a, b] = await Promise.all([run(spec(), 'run-1'), run(spec({ version: '3.0.0' }), 'run-2')]);
    expect([a.record.decision, b.record.decision].sort()).toEqual(['installed', 'refused']);
    const refused = a.record.decision === 'refused' ? a.record : b.record;
    expect(refused.reason).toMatch(/driven by run run-[12]/);
    expect(deployer.calls).toEqual(['installStable']);
  });

  it('a dry run does not take the first-release path (it reads nothing back from the cluster)', async () => {
    const { deployer, run } = setup();
    const { record } = await run(spec({ dryRun: true }));
    expect(record.decision).toBe('none');
    expect(deployer.calls).not.toContain('installStable');
  });

  it('the post step after a kill mid-install: installed if stable is deployed at the version, cancelled if not', async () => {
    for (const [stable, decision] of [
      [{ exists: true, status: 'deployed', revision: 1, version: '2.0.0' }, 'installed'],
      [{ exists: false }, 'cancelled']
    ] as const) {
      const { deployer, store, deps } = setup();
      deployer.stable = { ...stable };
      store.seed({ holder: 'run-1', stableRelease: 'storefront', phase: 'installing', version: '2.0.0' });
      const record = newRecord(spec(), new Date(deps.clock.now()));
      const done = await finishInterrupted(spec(), record, 'installing', 'run-1', outcomeDeps(deps));
      expect(done.decision).toBe(decision);
      expect(done.reason).toMatch(/interrupted during the first release of storefront 2\.0\.0/);
      // This run's lease is gone either way: no canary and no install is left to guard.
      expect(store.marks).toBeUndefined();
    }
  });
});
