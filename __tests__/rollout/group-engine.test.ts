// The group engine over fakes of each member's ports: install order and `after:` gating, reverse
// rollback naming the failing release, promotion order, a failing promotion, the lock, the post step.
import { runGroup } from '../../src/rollout/group-engine.js';
import { finishGroupInterrupted } from '../../src/rollout/group-interrupted.js';
import type { GroupDeps, MemberPorts } from '../../src/rollout/group-run.js';
import type { ReleaseGroup, RolloutSpec } from '../../src/config/spec.js';
import { chartValuesRouter } from '../../src/routing/chart-values-router.js';
import { renderSummary } from '../../src/report/markdown.js';
import { releaseOutcomes } from '../../src/report/releases.js';
import {
  FakeClock,
  FakeDeployer,
  FakeMarksStore,
  MemoryLogger,
  RecordingReporter,
  RuleJudge,
  ScriptedSampler,
  healthySample,
  makeSpec
} from '../helpers/fakes.js';

/** A deployer whose calls also land, named, on one timeline shared by the group. */
class NamedDeployer extends FakeDeployer {
  rolledBackTo?: number;
  constructor(
    private readonly name: string,
    private readonly timeline: string[]
  ) {
    super();
  }
  override async installCanary(weight: number): Promise<void> {
    this.timeline.push(`${this.name} install ${weight}`);
    return super.installCanary(weight);
  }
  override async setWeight(weight: number): Promise<void> {
    this.timeline.push(`${this.name} weight ${weight}`);
    return super.setWeight(weight);
  }
  override async promoteStable(): Promise<void> {
    this.timeline.push(`${this.name} promote`);
    return super.promoteStable();
  }
  override async removeCanary(): Promise<void> {
    this.timeline.push(`${this.name} remove`);
    return super.removeCanary();
  }
  async rollbackStable(revision: number): Promise<void> {
    this.timeline.push(`${this.name} rollback-stable ${revision}`);
    this.rolledBackTo = revision;
    this.stable = { ...this.stable, revision: (this.stable.revision ?? 0) + 1, version: '1.0.0' };
  }
}

const STEPS = { steps: [20, 50], soakSeconds: 60, intervalSeconds: 30 };

function memberSpec(release: string, overrides: Partial<RolloutSpec> = {}): RolloutSpec {
  return makeSpec({
    release,
    canaryRelease: `${release}-canary`,
    checkName: `canary / ${release}`,
    ...STEPS,
    ...overrides
  });
}

/** catalogue, then storefront `after: [catalogue]`; `errors` gives a member's canary errors per sample. */
function wireGroup(options: { errors?: Record<string, number>; decision?: RolloutSpec['decision'] } = {}) {
  const timeline: string[] = [];
  const names = ['catalogue', 'storefront'];
  const group: ReleaseGroup = {
    file: 'group.yml',
    alpha: 0.05,
    members: names.map((name, index) => ({
      spec: memberSpec(name, options.decision ? { decision: options.decision } : {}),
      after: index === 0 ? [] : ['catalogue'],
      depth: index
    })),
    reportPath: 'group-report.json',
    checkName: 'canary / catalogue + storefront'
  };
  const deployers = names.map((name) => new NamedDeployer(name, timeline));
  const stores = names.map(() => new FakeMarksStore());
  const samplers = names.map((name) => new ScriptedSampler(() => healthySample(options.errors?.[name] ?? 0)));
  const members: MemberPorts[] = names.map((name, i) => ({
    deployer: deployers[i],
    router: chartValuesRouter('ingress-nginx', `${name}-canary`, deployers[i]),
    marks: stores[i],
    sampler: samplers[i],
    judge: new RuleJudge(0.05)
  }));
  const reporter = new RecordingReporter();
  const clock = new FakeClock();
  const deps: GroupDeps = { members, clock, reporter, log: new MemoryLogger() };
  const run = (extra: Partial<GroupDeps> = {}) => runGroup(group, { ...deps, ...extra }, { holder: 'run-1' });
  return { group, deps, run, timeline, deployers, stores, samplers, reporter, members };
}

describe('release group engine', () => {
  it('installs the dependent only after its dependency passed step 1, promotes backends first', async () => {
    const { run, timeline, deployers, stores, reporter, members } = wireGroup();
    const record = await run();
    expect(record.decision).toBe('promoted');
    expect(record.finalWeight).toBe(100);
    // Each member's judge plans with all of its own steps (the dependent's start later, not fewer).
    const plan = STEPS.steps.map((weight) => ({ weight: weight / 100, seconds: STEPS.soakSeconds }));
    expect(members.map((m) => (m.judge as RuleJudge).plans)).toEqual([[plan], [plan]]);
    expect(timeline).toEqual([
      'catalogue install 20',
      // round 2: catalogue steps to 50 and only now storefront is installed, at its first step
      'catalogue weight 50',
      'storefront install 20',
      // round 3: storefront's second step
      'storefront weight 50',
      'catalogue promote',
      'storefront promote',
      'catalogue remove',
      'storefront remove'
    ]);
    const [catalogue, storefront] = record.members!;
    expect(Date.parse(storefront.stepRecords[0].startedAt)).toBeGreaterThanOrEqual(
      Date.parse(catalogue.stepRecords[0].endedAt!)
    );
    expect(catalogue.stepRecords.map((s) => [s.weight, s.outcome])).toEqual([
      [20, 'passed'],
      [50, 'passed']
    ]);
    expect(storefront.after).toEqual(['catalogue']);
    expect(record.members!.map((m) => [m.release, m.decision, m.finalWeight])).toEqual([
      ['catalogue', 'promoted', 100],
      ['storefront', 'promoted', 100]
    ]);
    expect(deployers.map((d) => d.weight)).toEqual([null, null]);
    expect(stores.map((s) => s.marks)).toEqual([undefined, undefined]);
    expect(reporter.events.at(-1)).toBe('finish promoted');
    // The report: the group's decision, then one section per release; the `releases` output per release.
    const summary = renderSummary(reporter.last!);
    expect(summary).toMatch(/^### ✅ Promoted: release group `group.yml`/);
    expect(summary).toContain('| catalogue | 2.0.0 | ✅ Promoted | 100% | 1 |');
    expect(summary.indexOf('## 📦 catalogue')).toBeLessThan(summary.indexOf('## 📦 storefront'));
    expect(releaseOutcomes(record)).toEqual([
      expect.objectContaining({
        release: 'catalogue',
        canaryRelease: 'catalogue-canary',
        version: '2.0.0',
        decision: 'promoted',
        finalWeight: 100,
        previousRevision: 1
      }),
      expect.objectContaining({
        release: 'storefront',
        decision: 'promoted',
        finalWeight: 100,
        previousRevision: 1
      })
    ]);
  });

  it("rolls everything back when the backend fails, naming it; the dependent's canary never existed", async () => {
    const { run, timeline, stores } = wireGroup({ errors: { catalogue: 10 } });
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(record.reason).toMatch(/^catalogue: 5xx rate 50\.0% on canary/);
    expect(timeline.some((line) => line.startsWith('storefront install'))).toBe(false);
    expect(timeline).toContain('catalogue remove');
    const [catalogue, storefront] = record.members!;
    expect(catalogue).toMatchObject({ decision: 'rolled-back', finalWeight: 0 });
    expect(storefront).toMatchObject({ decision: 'rolled-back', finalWeight: 0, nothingDeployed: true });
    expect(storefront.stepRecords).toEqual([]);
    expect(storefront.reason).toContain('storefront-canary was never installed');
    expect(stores.map((s) => s.marks)).toEqual([undefined, undefined]);
  });

  it('rolls back dependents first when the frontend fails, and names the frontend', async () => {
    const { run, timeline, deployers } = wireGroup({ errors: { storefront: 10 } });
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(record.reason).toMatch(/^storefront: 5xx rate/);
    const removals = timeline.filter((line) => line.endsWith(' remove'));
    expect(removals).toEqual(['storefront remove', 'catalogue remove']);
    expect(timeline.some((line) => line.includes('promote'))).toBe(false);
    expect(deployers.map((d) => d.weight)).toEqual([null, null]);
    expect(record.members![0].reason).toContain('Rolled back with the group because storefront: 5xx rate');
    // catalogue's running step 2 ended with the group's rollback
    expect(record.members![0].stepRecords.at(-1)).toMatchObject({ weight: 50, outcome: 'cancelled' });
  });

  it('a failing later promotion is no success: the earlier stable goes back to its previous revision', async () => {
    const { run, timeline, deployers } = wireGroup();
    deployers[0].stable.revision = 4;
    deployers[1].failOn.promoteStable = new Error('UPGRADE FAILED: timed out waiting for the condition');
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(/^storefront: the promotion to 2\.0\.0 failed: UPGRADE FAILED/);
    expect(timeline.slice(timeline.indexOf('catalogue promote'))).toEqual([
      'catalogue promote',
      'storefront promote',
      'catalogue rollback-stable 4',
      'storefront remove',
      'catalogue remove'
    ]);
    const [catalogue, storefront] = record.members!;
    expect(catalogue.decision).toBe('failed');
    expect(catalogue.previousRevision).toBe(4);
    expect(catalogue.reason).toContain('then rolled back to revision 4');
    // read back: catalogue runs 1.0.0 again
    expect(catalogue.reason).toContain('catalogue runs 1.0.0');
    expect(storefront.decision).toBe('failed');
    expect(record.finalWeight).toBe(0);
  });

  it('says a promoted stable is left at the new version when its rollback is impossible', async () => {
    const { run, deployers } = wireGroup();
    deployers[0].stable.revision = 4;
    deployers[0].rollbackStable = async () => {
      throw new Error('helm rollback: connection refused');
    };
    deployers[1].failOn.promoteStable = new Error('UPGRADE FAILED');
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.members![0].reason).toContain('rolling catalogue back to revision 4 failed');
    expect(record.incomplete).toContain(
      'catalogue still runs 2.0.0: run `helm rollback catalogue 4 --namespace shop`'
    );
  });

  it("refuses with nothing changed when one member's lease is held by another run", async () => {
    const { run, timeline, stores } = wireGroup();
    const future = new Date(Date.UTC(2026, 10, 21, 13)).toISOString();
    stores[1].seed({ holder: 'run-9', stableRelease: 'storefront', phase: 'soaking', leaseUntil: future });
    const record = await run();
    expect(record.decision).toBe('refused');
    expect(record.reason).toContain('storefront');
    expect(record.reason).toContain('run-9');
    expect(timeline).toEqual([]);
    // catalogue's lease, taken first, was given back; run-9's is untouched
    expect(stores[0].marks).toBeUndefined();
    expect(stores[1].marks?.holder).toBe('run-9');
  });

  it('pauses the whole group in manual mode, then continues where it stopped', async () => {
    const { run, timeline, stores, deployers } = wireGroup({ decision: 'manual' });
    const paused = await run();
    expect(paused.decision).toBe('paused');
    expect(paused.members!.map((m) => m.decision)).toEqual(['paused', 'none']);
    expect(stores[0].marks?.phase).toBe('paused');
    expect(deployers[0].weight).toBe(20);
    expect(deployers[1].weight).toBeNull();

    timeline.length = 0;
    const continued = await run();
    expect(continued.decision).toBe('paused'); // manual: every round waits for a person
    expect(timeline).toEqual(['catalogue weight 50', 'storefront install 20']);
  });

  it('pauses the whole group in hybrid mode only when a member raises a warning', async () => {
    const quiet = wireGroup({ decision: 'hybrid' });
    expect((await quiet.run()).decision).toBe('promoted');

    // storefront's canary errs at 3% (0.6 of 20 requests a tick), under its 5% rollback limit, over its 1% warning.
    const { run, deps, deployers, stores } = wireGroup({ decision: 'hybrid', errors: { storefront: 0.6 } });
    deps.members[1].judge = new RuleJudge(0.05, 0.01);
    const paused = await run();
    expect(paused.decision).toBe('paused');
    expect(paused.reason).toMatch(
      /^Paused after round 2 of 3 for a person because the judge raised a warning/
    );
    expect(paused.members!.map((m) => m.decision)).toEqual(['paused', 'paused']);
    expect(stores.map((store) => store.marks?.phase)).toEqual(['paused', 'paused']);
    expect(deployers.map((d) => d.weight)).toEqual([50, 20]);
  });

  it('hands every canary to the post step on a signal, which removes all, dependents first', async () => {
    const { run, deps, group, timeline, deployers } = wireGroup();
    const controller = new AbortController();
    // storefront's first sample comes in round 2, when both canaries exist: cancel there
    (deps.members[1].sampler as ScriptedSampler).sample = async () => {
      controller.abort('Received SIGINT');
      return healthySample();
    };
    const interrupted = await run({ signal: controller.signal });
    expect(interrupted.decision).toBe('cancelled');
    expect(interrupted.phase).toBe('interrupted');
    expect(deployers.map((d) => d.weight)).toEqual([50, 20]);

    timeline.length = 0;
    const saved = JSON.parse(JSON.stringify(interrupted));
    const finished = await finishGroupInterrupted(group, saved, 'interrupted', {
      members: deps.members,
      holder: 'run-1',
      clock: deps.clock,
      reporter: deps.reporter,
      log: deps.log
    });
    expect(finished.decision).toBe('cancelled');
    expect(timeline).toEqual(['storefront remove', 'catalogue remove']);
    expect(deployers.map((d) => d.weight)).toEqual([null, null]);
    expect(finished.members!.map((m) => m.decision)).toEqual(['cancelled', 'cancelled']);
  });

  it("changes nothing for any release when one member's preflight cannot run", async () => {
    const { run, deps, timeline, stores } = wireGroup();
    deps.members[1].preflight = async () => {
      throw new Error('helm template: chart not found');
    };
    const record = await run();
    expect(record.decision).toBe('failed');
    expect(record.reason).toMatch(/^storefront: The preflight could not run: helm template: chart not found/);
    expect(record.members!.map((m) => m.decision)).toEqual(['none', 'failed']);
    expect(timeline).toEqual([]);
    expect(stores.map((s) => s.calls)).toEqual([[], []]);
  });

  it('continues a group whose run died without its post step, from the round its canaries are at', async () => {
    const { run, deps, timeline, deployers } = wireGroup();
    const controller = new AbortController();
    const sampler = deps.members[1].sampler as ScriptedSampler;
    const healthy = sampler.sample.bind(sampler);
    sampler.sample = async () => {
      controller.abort('Received SIGKILL');
      return healthySample();
    };
    await run({ signal: controller.signal });
    expect(deployers.map((d) => d.weight)).toEqual([50, 20]);

    sampler.sample = healthy;
    timeline.length = 0;
    const record = await run();
    expect(record.decision).toBe('promoted');
    expect(timeline).toEqual([
      'catalogue weight 50',
      'storefront weight 20',
      'storefront weight 50',
      'catalogue promote',
      'storefront promote',
      'catalogue remove',
      'storefront remove'
    ]);
  });

  it('keeps judging a member whose step passed while it waits for the others', async () => {
    const { run, deps, timeline } = wireGroup();
    // catalogue passes step 2 at 60 s, then turns bad; storefront's judge wants 120 s for its step.
    deps.members[0].sampler = new ScriptedSampler((call) => healthySample(call >= 4 ? 10 : 0));
    class SlowJudge extends RuleJudge {
      override evaluate(tick: Parameters<RuleJudge['evaluate']>[0]) {
        const verdict = super.evaluate(tick);
        return verdict.action === 'pass' && tick.stepElapsedSeconds < 120
          ? { ...verdict, action: 'continue' as const }
          : verdict;
      }
    }
    deps.members[1].judge = new SlowJudge(0.05);
    const record = await run();
    expect(record.decision).toBe('rolled-back');
    expect(record.reason).toMatch(/^catalogue: 5xx rate 50\.0%/);
    expect(record.members![0].stepRecords.at(-1)).toMatchObject({ weight: 50, outcome: 'rolled-back' });
    expect(record.members![1].stepRecords.at(-1)).toMatchObject({ weight: 20, outcome: 'cancelled' });
    expect(timeline.filter((line) => line.endsWith(' remove'))).toEqual([
      'storefront remove',
      'catalogue remove'
    ]);
  });
});
