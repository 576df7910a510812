import { runRollout } from '../../src/rollout/engine.js';
import type { EngineDeps } from '../../src/rollout/ports.js';
import type { RolloutSpec } from '../../src/config/spec.js';
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

function wire(spec: RolloutSpec, sampler: ScriptedSampler, extra: Partial<EngineDeps> = {}) {
  const deps = {
    ...withRouter(new FakeDeployer()),
    sampler,
    judge: new RuleJudge(0.05, 0.02),
    clock: new FakeClock(),
    reporter: (extra.reporter as RecordingReporter | undefined) ?? new RecordingReporter(),
    log: new MemoryLogger()
  };
  // As commands.ts writes them: the holder and the phase, on the lease beside the canary.
  const marks = (phase: string) => ({ holder: 'run-1', stableRelease: 'storefront', phase });
  return { deps, run: () => runRollout(spec, { ...deps, ...extra }, { marks }) };
}

describe('rollout engine', () => {
  it('promotes a healthy canary on the single 20% step: stable upgraded first, then canary removed', async () => {
    const { deps, run } = wire(makeSpec(), new ScriptedSampler(() => healthySample()));
    const record = await run();
    expect(record.decision).toBe('promoted');
    expect(record.finalWeight).toBe(100);
    expect(deps.deployer.calls).toEqual(['installCanary 20', 'promoteStable', 'zeroWeight', 'removeCanary']);
    // 10-minute soak sampled every 30 s: 20 ticks, all in step 1.
    expect(record.ticks).toHaveLength(20);
    expect(record.stepRecords[0]).toMatchObject({ weight: 20, outcome: 'passed', canaryRequests: 400 });
    expect(deps.reporter.events[0]).toBe('start');
    expect(deps.reporter.events.at(-1)).toBe('finish promoted');
  });

  it("records stable's revision from before the promotion, for a later helm rollback", async () => {
    const { deps, run } = wire(makeSpec(), new ScriptedSampler(() => healthySample()));
    deps.deployer.stable.revision = 7;
    const record = await run();
    expect(record.decision).toBe('promoted');
    expect(record.previousRevision).toBe(7);
    expect((await deps.deployer.stableState()).revision).toBe(8);
  });

  it('records no previous revision when it did not promote', async () => {
    const sampler = new ScriptedSampler(() => healthySample(10));
    const { run } = wire(makeSpec(), sampler);
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(record).not.toHaveProperty('previousRevision');
  });

  it('rolls back at 25% when step 2 of 5,25,50,100 goes bad, and never touches stable', async () => {
    const spec = makeSpec({ steps: [5, 25, 50, 100], soakSeconds: 120 });
    // 4 ticks per step: calls 0-3 are step 1; step 2 turns bad at its second tick.
    const sampler = new ScriptedSampler((call) => healthySample(call >= 5 ? 5 : 0));
    const { deps, run } = wire(spec, sampler);
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(record.finalWeight).toBe(0);
    expect(record.reason).toContain('5xx rate 25.0%');
    expect(deps.deployer.calls).toEqual(['installCanary 5', 'setWeight 25', 'zeroWeight', 'removeCanary']);
    expect(deps.deployer.calls).not.toContain('promoteStable');
    expect(record.stepRecords.map((s) => s.outcome)).toEqual(['passed', 'rolled-back']);
  });

  it('rolls back with decision failed when Helm fails mid-rollout', async () => {
    const spec = makeSpec({ steps: [5, 25, 50, 100], soakSeconds: 60 });
    const { deps, run } = wire(spec, new ScriptedSampler(() => healthySample()));
    deps.deployer.failOn['setWeight 50'] = new Error('UPGRADE FAILED: timed out waiting for the condition');
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toContain('timed out waiting for the condition');
    expect(deps.deployer.calls).toEqual([
      'installCanary 5',
      'setWeight 25',
      'setWeight 50',
      'zeroWeight',
      'removeCanary'
    ]);
    expect(record.finalWeight).toBe(0);
  });

  it('rolls back when a failed install left a partial canary', async () => {
    const { deps, run } = wire(makeSpec(), new ScriptedSampler(() => healthySample()));
    deps.deployer.partialInstall = true;
    deps.deployer.failOn['installCanary'] = new Error(
      'release storefront-canary failed: context deadline exceeded'
    );
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(deps.deployer.calls).toEqual(['installCanary 20', 'zeroWeight', 'removeCanary']);
  });

  it('says nothing was deployed when the install failed and left no release', async () => {
    const { deps, run } = wire(makeSpec(), new ScriptedSampler(() => healthySample()));
    deps.deployer.failOn['installCanary'] = new Error('chart render failed');
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.nothingDeployed).toBe(true);
    expect(record.reason).toMatch(/chart render failed\. Nothing was deployed/);
    expect(deps.deployer.calls).toEqual(['installCanary 20']);
  });

  it('rolls back after the limit of consecutive Prometheus failures, not before', async () => {
    const spec = makeSpec({ steps: [10, 50], soakSeconds: 300 });
    const down = new Error('connect ECONNREFUSED 127.0.0.1:9090');
    const sampler = new ScriptedSampler((call) => (call >= 2 ? down : healthySample()));
    const { deps, run } = wire(spec, sampler);
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(/Prometheus did not answer for 4 consecutive samples \(limit 3\)/);
    // 2 good ticks, then 4 unavailable ones: the 4th crosses the limit of 3.
    expect(record.ticks).toHaveLength(6);
    expect(record.ticks.filter((t) => t.unavailable)).toHaveLength(4);
    expect(deps.deployer.calls).toEqual(['installCanary 10', 'zeroWeight', 'removeCanary']);
  });

  it('recovers from a short Prometheus outage within the limit', async () => {
    const spec = makeSpec({ soakSeconds: 300 });
    const sampler = new ScriptedSampler((call) =>
      call === 2 || call === 3 ? new Error('503') : healthySample()
    );
    const { run } = wire(spec, sampler);
    expect((await run()).decision).toBe('promoted');
  });

  it('touches nothing when Prometheus does not answer before the canary exists', async () => {
    const sampler = new ScriptedSampler(() => healthySample());
    sampler.baselineError = new Error('http://prom:9090 did not answer like Prometheus');
    const { deps, run } = wire(makeSpec(), sampler);
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toContain('Nothing was deployed');
    expect(deps.deployer.calls).toEqual([]);
  });

  it('rolls the canary back when the promotion of stable fails', async () => {
    const { deps, run } = wire(makeSpec({ soakSeconds: 60 }), new ScriptedSampler(() => healthySample()));
    deps.deployer.failOn['promoteStable'] = new Error('another operation is in progress');
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toContain('Promotion of storefront to 2.0.0 failed');
    expect(deps.deployer.calls).toEqual(['installCanary 20', 'promoteStable', 'zeroWeight', 'removeCanary']);
  });

  it('retries removing the canary and reports honestly, with the weight read back, when it cannot', async () => {
    const { deps, run } = wire(makeSpec({ soakSeconds: 60 }), new ScriptedSampler(() => healthySample(10)));
    deps.deployer.failOn['zeroWeight'] = new Error('Kubernetes API unreachable');
    deps.deployer.failOn['removeCanary'] = new Error('Kubernetes API unreachable');
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(record.reason).toMatch(
      /storefront-canary is still deployed at 20%.*Kubernetes API unreachable.*`command: rollback`/
    );
    expect(record.incomplete).toMatch(/still deployed at 20%/);
    expect(deps.deployer.calls.filter((c) => c === 'removeCanary')).toHaveLength(3);
    expect(record.finalWeight).toBe(20);
  });

  it('reports the weight the canary really holds when only the uninstall failed (weight 0 was applied)', async () => {
    const { deps, run } = wire(makeSpec({ soakSeconds: 60 }), new ScriptedSampler(() => healthySample(10)));
    deps.deployer.removeCanary = async () => {
      deps.deployer.calls.push('removeCanary');
      deps.deployer.weight = 0;
      throw new Error('uninstall timed out');
    };
    const record = await run();
    expect(record.finalWeight).toBe(0);
    expect(record.reason).toMatch(/still deployed at 0%/);
  });

  it('promoted and then unable to remove the canary: promoted, what is left, and its real weight', async () => {
    const { deps, run } = wire(makeSpec({ steps: [20, 50] }), new ScriptedSampler(() => healthySample()));
    deps.deployer.failOn['zeroWeight'] = new Error('upgrade failed');
    deps.deployer.failOn['removeCanary'] = new Error('uninstall failed');
    const record = await run();
    expect(record.decision).toBe('promoted');
    expect(record.finalWeight).toBe(50);
    expect(record.incomplete).toMatch(/storefront-canary is still deployed at 50%/);
    expect(record.reason).toMatch(/storefront now runs 2\.0\.0 at 100% \(revision 2, deployed\)/);
  });

  it('pauses after each passed step in manual mode, holding the weight', async () => {
    const spec = makeSpec({ steps: [10, 50, 100], soakSeconds: 60, decision: 'manual' });
    const { deps, run } = wire(spec, new ScriptedSampler(() => healthySample()));
    const record = await run();
    expect(record.decision).toBe('paused');
    expect(record.finalWeight).toBe(10);
    expect(record.reason).toContain('command: deploy');
    // The pause is written onto the lease, not the release, so that a later run knows it was deliberate.
    expect(deps.deployer.calls).toEqual(['installCanary 10']);
    expect(deps.marks.marks?.phase).toBe('paused');
  });

  it('continues from a given step on an existing canary (resume)', async () => {
    const spec = makeSpec({ steps: [10, 50, 100], soakSeconds: 60 });
    const deps = {
      ...withRouter(new FakeDeployer()),
      sampler: new ScriptedSampler(() => healthySample()),
      judge: new RuleJudge(),
      clock: new FakeClock(),
      reporter: new RecordingReporter(),
      log: new MemoryLogger()
    };
    const record = await runRollout(spec, deps, { startStepIndex: 1, canaryExists: true });
    expect(record.decision).toBe('promoted');
    // The judge plans with the steps still to soak: the errors test bets on what they can confirm.
    expect(deps.judge.plans).toEqual([
      [
        { weight: 0.5, seconds: 60 },
        { weight: 1, seconds: 60 }
      ]
    ]);
    expect(deps.deployer.calls).toEqual([
      'setWeight 50',
      'setWeight 100',
      'promoteStable',
      'zeroWeight',
      'removeCanary'
    ]);
  });

  it('in hybrid mode pauses instead of going on when the judge warns', async () => {
    const spec = makeSpec({ steps: [10, 50], soakSeconds: 60, decision: 'hybrid' });
    // 3% errors on canary: above the warning level (2%), below the rollback level (5%).
    const { deps, run } = wire(spec, new ScriptedSampler(() => healthySample(0.6)));
    const record = await run();
    expect(record.decision).toBe('paused');
    expect(record.reason).toContain('judge raised a warning');
    expect(deps.deployer.calls).toEqual(['installCanary 10']);
    expect(deps.marks.marks?.phase).toBe('paused');
  });

  it('stops sampling on a signal and hands the canary to the post step', async () => {
    const controller = new AbortController();
    const sampler = new ScriptedSampler((call) => {
      if (call === 3) controller.abort('Received SIGINT');
      return healthySample();
    });
    const spec = makeSpec({ steps: [10, 50], soakSeconds: 300 });
    const persisted: string[] = [];
    const { deps, run } = wire(spec, sampler, {
      signal: controller.signal,
      persist: (r) => persisted.push(r.phase)
    });
    const record = await run();
    expect(record.decision).toBe('cancelled');
    expect(record.phase).toBe('interrupted');
    expect(record.reason).toContain('Received SIGINT at 10%');
    expect(sampler.calls).toBe(4);
    expect(deps.deployer.calls).toEqual(['installCanary 10']);
    expect(persisted.at(-1)).toBe('interrupted');
  });

  it('stops waiting for a query that hangs as soon as the signal comes', async () => {
    const controller = new AbortController();
    const hanging = new ScriptedSampler(() => healthySample());
    hanging.sample = () => {
      setTimeout(() => controller.abort('Received SIGTERM'), 5);
      return new Promise(() => {}); // Prometheus never answers
    };
    const { deps, run } = wire(makeSpec({ steps: [10, 50], soakSeconds: 300 }), hanging, {
      signal: controller.signal
    });
    const record = await run();
    expect(record.decision).toBe('cancelled');
    expect(record.reason).toContain('Received SIGTERM at 10%');
    expect(deps.deployer.calls).toEqual(['installCanary 10']);
  });

  it('a reporter that throws never stops a rollback', async () => {
    const reporter = new RecordingReporter(new Error('403 Resource not accessible by integration'));
    const { deps, run } = wire(makeSpec({ soakSeconds: 60 }), new ScriptedSampler(() => healthySample(10)), {
      reporter
    });
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(deps.deployer.calls).toEqual(['installCanary 20', 'zeroWeight', 'removeCanary']);
    expect(deps.log.lines.some((l) => l.includes('403'))).toBe(true);
  });

  it('dry run walks the plan through the deployer and decides nothing', async () => {
    const { deps, run } = wire(
      makeSpec({ steps: [5, 50], dryRun: true }),
      new ScriptedSampler(() => healthySample())
    );
    const record = await run();
    expect(record.decision).toBe('none');
    expect(deps.deployer.calls).toEqual([
      'installCanary 5',
      'setWeight 50',
      'promoteStable',
      'zeroWeight',
      'removeCanary',
      'zeroWeight',
      'removeCanary'
    ]);
  });
});
