// The engine's outcomes on the faults of issue 10: missing stable data, a Prometheus outage, two
// runs racing for the canary. Fakes of the ports only; the cluster versions are in __tests__/e2e.
import { runRollout } from '../../src/rollout/engine.js';
import type { Judge, Verdict } from '../../src/judge/types.js';
import type { RolloutSpec } from '../../src/config/spec.js';
import type { Sample } from '../../src/rollout/ports.js';
import {
  FakeClock,
  FakeDeployer,
  withRouter,
  MemoryLogger,
  RecordingReporter,
  RuleJudge,
  ScriptedSampler,
  healthySample,
  makeSpec
} from '../helpers/fakes.js';

function wire(spec: RolloutSpec, sampler: ScriptedSampler, judge: Judge = new RuleJudge()) {
  const deps = {
    ...withRouter(new FakeDeployer()),
    sampler,
    judge,
    clock: new FakeClock(),
    reporter: new RecordingReporter(),
    log: new MemoryLogger()
  };
  return {
    deps,
    run: () => runRollout(spec, deps, { marks: () => ({ holder: 'run-1', stableRelease: 'storefront' }) })
  };
}

/** A healthy tick whose stable arm has no series at all (its pods stopped being scraped). */
function stableGone(): Sample {
  const sample = healthySample();
  sample.requests.stable = null;
  sample.metrics['error-rate'].stable = null;
  return sample;
}

describe('a step may not pass while stable has no data', () => {
  const spec = makeSpec({ steps: [20, 50], soakSeconds: 120, intervalSeconds: 30, judge: 'sequential' });

  it('fails the rollout, naming the metric and since when, and removes the canary', async () => {
    const { deps, run } = wire(
      spec,
      new ScriptedSampler((call) => (call < 1 ? healthySample() : stableGone()))
    );
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(/^stable has no data for 5xx rate since 12:01:00\./);
    expect(deps.deployer.calls).toEqual(['installCanary 20', 'zeroWeight', 'removeCanary']);
    expect(deps.deployer.calls).not.toContain('promoteStable');
  });

  it('passes with a warning only under `no-data: pass`', async () => {
    const lenient = { ...spec, analysis: { ...spec.analysis, noData: 'pass' as const } };
    const { run } = wire(lenient, new ScriptedSampler(() => stableGone()));
    const record = await run();
    expect(record.decision).toBe('promoted');
    expect(record.stepRecords[0].outcome).toBe('passed');
  });

  it('does not count a gap at 100%, where stable gets no traffic by design', async () => {
    const to100 = makeSpec({ steps: [20, 100], soakSeconds: 120, intervalSeconds: 30, judge: 'sequential' });
    // Step 1 (4 ticks) has stable data; step 2 at 100% has none.
    const { run } = wire(to100, new ScriptedSampler((call) => (call < 4 ? healthySample() : stableGone())));
    expect((await run()).decision).toBe('promoted');
  });

  it('the threshold judge compares nothing, so a gap does not stop it', async () => {
    const threshold = { ...spec, judge: 'threshold' as const };
    const { run } = wire(threshold, new ScriptedSampler(() => stableGone()));
    expect((await run()).decision).toBe('promoted');
  });
});

/** Like the step policy: after the soak, too few canary requests is a no-data rollback (no metric failed). */
class SampleSizeJudge extends RuleJudge {
  private seen = 0;
  override evaluate(tick: Parameters<Judge['evaluate']>[0]): Verdict {
    const verdict = super.evaluate(tick);
    this.seen += tick.requests.canary ?? 0;
    if (verdict.action !== 'pass' || this.seen >= 100) return verdict;
    return { ...verdict, action: 'rollback', reason: `saw only ${this.seen} canary requests (minimum 100)` };
  }
}

it('a Prometheus outage mid-soak is failed with the outage named, not blamed on the canary', async () => {
  const spec = makeSpec({ steps: [20], soakSeconds: 120, intervalSeconds: 30 });
  const down = new Error('connect ECONNREFUSED 127.0.0.1:9090');
  const { deps, run } = wire(
    spec,
    new ScriptedSampler((call) => (call === 1 || call === 2 ? down : healthySample())),
    new SampleSizeJudge()
  );
  const record = await run();
  expect(record.decision).toBe('failed');
  expect(record.reason).toMatch(/^Prometheus did not answer for 2 of 4 samples in step 1/);
  expect(deps.deployer.calls).toEqual(['installCanary 20', 'zeroWeight', 'removeCanary']);
  expect(record.finalWeight).toBe(0);
});

it('a run that loses the race for the canary is refused, names the holder and changes nothing', async () => {
  const { deps, run } = wire(makeSpec(), new ScriptedSampler(() => healthySample()));
  // The other run created the lease (and then the canary) between our look and our take.
  deps.deployer.weight = 20;
  deps.marks.seed({ holder: 'run-2', leaseUntil: '2099-01-01T00:00:00Z', stableRelease: 'storefront' });
  const record = await run();
  expect(record.decision).toBe('refused');
  expect(record.reason).toMatch(/^Refused: the canary is being driven by run run-2/);
  // Refused at the lease, before Helm was asked for anything; the other run's lease is untouched.
  expect(deps.deployer.calls).toEqual([]);
  expect(deps.marks.marks?.holder).toBe('run-2');
  expect(deps.deployer.weight).toBe(20);
  expect(deps.reporter.events.at(-1)).toBe('finish refused');
});
