// A deploy runs the preflight first: its named errors end the run as `failed` through outcomes.ts
// before any write, a dry run ends with it, and the metrics it dropped are not sampled.
import { runCommand } from '../../src/rollout/commands.js';
import type { AnalysisSpec, RolloutSpec } from '../../src/config/spec.js';
import type { PreflightResult } from '../../src/preflight/types.js';
import { PreflightError } from '../../src/preflight/types.js';
import type { Sampler } from '../../src/rollout/ports.js';
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

function result(overrides: Partial<PreflightResult> = {}, spec = makeSpec()): PreflightResult {
  return {
    ok: true,
    lines: [{ check: 'stable', subject: 'storefront', status: 'ok', detail: 'deployed' }],
    errors: [],
    stable: { exists: true, status: 'deployed', deployed: true, version: '1.0.0' },
    analysis: spec.analysis,
    droppedMetrics: [],
    ...overrides
  };
}

function setup(preflight: PreflightResult) {
  const deployer = new FakeDeployer();
  const reporter = new RecordingReporter();
  const log = new MemoryLogger();
  const sampler = new ScriptedSampler(() => healthySample());
  const specsSeen: RolloutSpec[] = [];
  const deps = {
    deployer,
    router: chartRouter(deployer),
    marks: new FakeMarksStore(),
    sampler: sampler as Sampler,
    judge: new RuleJudge(),
    clock: new FakeClock(),
    reporter,
    log,
    preflight: async (spec: RolloutSpec) => {
      specsSeen.push(spec);
      return preflight;
    }
  };
  return {
    deployer,
    reporter,
    log,
    deps,
    specsSeen,
    run: (spec: RolloutSpec) => runCommand(spec, deps, { holder: 'run-1' })
  };
}

describe('the preflight in a deploy', () => {
  it('named errors: decision failed with every error in the reason, no Helm write, reported', async () => {
    const errors = [
      new PreflightError('status-label-missing', 'metric error-rate: the series carry no label `status`'),
      new PreflightError('routing-has-no-effect', 'routing istio: the render is the same')
    ];
    const { deployer, reporter, log, run } = setup(
      result({
        ok: false,
        errors,
        lines: [
          {
            check: 'metrics',
            subject: 'error-rate',
            status: 'fail',
            detail: 'no `status`',
            code: 'status-label-missing'
          }
        ]
      })
    );
    const { record } = await run(makeSpec({ steps: [10, 100] }));
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(
      /^Preflight found 2 problems before anything changed: \[status-label-missing\] metric error-rate/
    );
    expect(record.reason).toContain('[routing-has-no-effect]');
    expect(record.nothingDeployed).toBe(true);
    expect(record.finalWeight).toBe(0);
    expect(record.preflight?.ok).toBe(false);
    expect(record.previousVersion).toBe('1.0.0');
    // Nothing installs, upgrades or removes (the fake records every Helm write).
    expect(deployer.calls).toEqual([]);
    expect(reporter.events).toEqual(['finish failed']);
    expect(log.lines.some((l) => /Preflight \(2 problems\):\ncheck\s+subject/.test(l))).toBe(true);
  });

  it('dry run: the preflight is the whole run', async () => {
    const { deployer, run } = setup(result());
    const { record } = await run(makeSpec({ dryRun: true }));
    expect(record.decision).toBe('none');
    expect(record.reason).toBe('Dry run: the preflight passed; nothing was changed.');
    expect(record.preflight?.lines).toHaveLength(1);
    expect(deployer.calls).toEqual([]);
  });

  it('a passed preflight hands its narrowed analysis to the rollout and the sampler', async () => {
    const spec = makeSpec({ steps: [20] });
    const narrowed: AnalysisSpec = { ...spec.analysis, metrics: [] };
    const { deps, run, log } = setup(
      result({
        analysis: narrowed,
        droppedMetrics: ['conversion'],
        lines: [
          {
            check: 'metrics',
            subject: 'conversion',
            status: 'warn',
            detail: 'dropped (a default metric that cannot have data)'
          }
        ]
      })
    );
    const seen: AnalysisSpec[] = [];
    const base = deps.sampler;
    deps.sampler = {
      baseline: () => base.baseline(),
      sample: () => base.sample(),
      forAnalysis: (a) => (seen.push(a), base)
    };
    const { record } = await run(spec);
    expect(seen).toEqual([narrowed]);
    expect(record.decision).toBe('promoted');
    expect(record.preflight?.droppedMetrics).toEqual(['conversion']);
    expect(log.lines).toContain(
      'warning preflight metrics conversion: dropped (a default metric that cannot have data)'
    );
  });

  it('a preflight that throws is a failed run that changed nothing', async () => {
    const { deployer, deps, run } = setup(result());
    deps.preflight = async () => {
      throw new Error('kubectl: connection refused');
    };
    const { record } = await run(makeSpec());
    expect(record.decision).toBe('failed');
    expect(record.reason).toBe(
      'The preflight could not run: kubectl: connection refused. Nothing was changed.'
    );
    expect(deployer.calls).toEqual([]);
  });
});
