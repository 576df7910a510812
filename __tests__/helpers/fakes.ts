// Fakes for engine tests: a clock that jumps instead of waiting, a deployer that records calls,
// a sampler fed from a script, and a judge with simple static rules.
import type { Clock } from '../../src/clock.js';
import type { AnalysisSpec, RolloutSpec } from '../../src/config/spec.js';
import type { CanaryState, Deployer, HelmInfo, ReleaseState } from '../../src/deploy/types.js';
import type { Baseline, Judge, PlannedStep, StepContext, Verdict } from '../../src/judge/types.js';
import type { Reporter } from '../../src/report/types.js';
import type { RolloutRecord } from '../../src/rollout/record.js';
import { rolloutSpec } from './rollout-spec.js';
import type { Logger, Sample, Sampler } from '../../src/rollout/ports.js';
import { chartValuesRouter } from '../../src/routing/chart-values-router.js';
import type { CanaryChart, TrafficRouter } from '../../src/routing/types.js';
import type { RouterDeps } from '../../src/routing/index.js';
import { MarksConflictError, type MarksStore, type StoredMarks } from '../../src/rollout/marks-store.js';

/** The chart-values router (the real one) over a fake deployer: its calls land in deployer.calls. */
export function chartRouter(deployer: FakeDeployer): TrafficRouter {
  return chartValuesRouter('ingress-nginx', 'storefront-canary', deployer);
}

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 21, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.ms += ms;
  }
}

/**
 * The lease beside the canary, in memory: create-only, resourceVersion preconditions on update and
 * delete, as the API server enforces them. `marks` is what a read returns (undefined: no lease).
 */
export class FakeMarksStore implements MarksStore {
  readonly where = 'Lease shop/storefront-canary.canary-action';
  calls: string[] = [];
  private stored?: StoredMarks;
  private version = 0;
  get marks(): Record<string, string> | undefined {
    return this.stored?.marks;
  }
  /** Puts a lease in place (another run's, or one this test seeds), as if created earlier. */
  seed(marks: Record<string, string>): void {
    this.version++;
    this.stored = { marks: { ...marks }, uid: `uid-${this.version}`, resourceVersion: String(this.version) };
  }
  async read(): Promise<StoredMarks | undefined> {
    this.calls.push('read');
    return this.stored && { ...this.stored, marks: { ...this.stored.marks } };
  }
  async create(marks: Record<string, string>): Promise<StoredMarks | undefined> {
    this.calls.push(`create ${marks.phase ?? '-'}`);
    if (this.stored) return undefined;
    this.seed(marks);
    return this.read();
  }
  async update(marks: Record<string, string>, current: StoredMarks): Promise<StoredMarks> {
    this.calls.push(`update ${marks.phase ?? '-'}`);
    if (!this.stored || this.stored.resourceVersion !== current.resourceVersion) {
      throw new MarksConflictError('the object has been modified');
    }
    this.version++;
    this.stored = { marks: { ...marks }, uid: this.stored.uid, resourceVersion: String(this.version) };
    return (await this.read())!;
  }
  async remove(current: StoredMarks): Promise<void> {
    this.calls.push('remove');
    if (!this.stored) return;
    if (this.stored.uid !== current.uid || this.stored.resourceVersion !== current.resourceVersion) {
      throw new MarksConflictError('precondition failed');
    }
    this.stored = undefined;
  }
}

export class FakeDeployer implements Deployer {
  calls: string[] = [];
  weight: number | null = null;
  version = '2.0.0';
  /** What stable runs, as `helm status` / `get values` would read it back. */
  stable: ReleaseState = { exists: true, status: 'deployed', revision: 1, version: '1.0.0' };
  /** The canary's Helm status while it exists. */
  canaryStatus = 'deployed';
  failOn: Partial<Record<string, Error>> = {};
  async detect(): Promise<HelmInfo> {
    return { major: 4, version: 'v4.1.4' };
  }
  async stableVersion(): Promise<string | undefined> {
    return '1.0.0';
  }
  private act(call: string): void {
    this.calls.push(call);
    const name = call.split(' ')[0];
    const failure = this.failOn[call] ?? this.failOn[name];
    if (failure) throw failure;
  }
  /** A failing install leaves a (failed) release behind, as Helm without --atomic would. */
  partialInstall = false;
  async installCanary(weight: number): Promise<void> {
    if (this.partialInstall && this.weight === null) this.weight = weight;
    this.calls.push(`installCanary ${weight}`);
    if (this.weight !== null && !this.partialInstall) {
      throw new Error('INSTALLATION FAILED: cannot re-use a name that is still in use');
    }
    const failure = this.failOn[`installCanary ${weight}`] ?? this.failOn.installCanary;
    if (failure) throw failure;
    this.weight = weight;
  }
  async setWeight(weight: number): Promise<void> {
    this.act(`setWeight ${weight}`);
    this.weight = weight;
  }
  /** What installStable leaves stable as (default: deployed at `version`, revision 1). */
  installsStableAs?: ReleaseState;
  async installStable(): Promise<void> {
    this.act('installStable');
    this.stable = this.installsStableAs ?? {
      exists: true,
      status: 'deployed',
      revision: 1,
      version: this.version
    };
  }
  async promoteStable(): Promise<void> {
    this.act('promoteStable');
    this.stable = { ...this.stable, revision: (this.stable.revision ?? 0) + 1, version: this.version };
  }
  /** As Helm's: a failed weight-0 upgrade is only logged (the uninstall still follows). */
  async zeroWeight(): Promise<void> {
    this.calls.push('zeroWeight');
    if (this.failOn.zeroWeight || this.weight === null) return;
    this.weight = 0;
  }
  async removeCanary(): Promise<void> {
    this.act('removeCanary');
    this.weight = null;
  }
  async stableState(): Promise<ReleaseState> {
    return { ...this.stable };
  }
  async canaryState(): Promise<CanaryState> {
    return this.weight === null
      ? { exists: false }
      : {
          exists: true,
          status: this.canaryStatus,
          weight: this.weight,
          version: this.version
        };
  }
}

/** Router deps for the chart-values presets: the Kubernetes side must not be reached. */
export function routerDeps(chart: CanaryChart): RouterDeps {
  const unused = async (): Promise<never> => {
    throw new Error('a chart-values router reached the Kubernetes API');
  };
  return {
    chart,
    kube: { get: unused, list: unused, jsonPatch: unused, apply: unused, create: unused, delete: unused },
    services: { services: unused, renderedObjects: unused },
    sleep: async () => {}
  };
}

/** `{ deployer, router, marks }` for engine deps: the chart-values router over the fake deployer, and a lease store. */
export function withRouter(
  deployer: FakeDeployer,
  marks = new FakeMarksStore()
): { deployer: FakeDeployer; router: TrafficRouter; marks: FakeMarksStore } {
  return { deployer, router: chartRouter(deployer), marks };
}

/** A canary this action made earlier: the release at `weight` and its lease with `marks`. */
export function seedCanary(
  deployer: FakeDeployer,
  store: FakeMarksStore,
  weight: number,
  marks: Record<string, string>
): void {
  deployer.weight = weight;
  if (Object.keys(marks).length > 0) store.seed(marks);
}

/** Produces one sample per call from `next(callIndex)`; throws when it returns an Error. */
export class ScriptedSampler implements Sampler {
  calls = 0;
  baselineError?: Error;
  constructor(private readonly next: (call: number) => Sample | Error) {}
  async baseline(): Promise<Baseline> {
    if (this.baselineError) throw this.baselineError;
    return { stable: {} };
  }
  async sample(): Promise<Sample> {
    const result = this.next(this.calls++);
    if (result instanceof Error) throw result;
    return result;
  }
}

export function healthySample(canaryErrors = 0, requests = 100): Sample {
  return {
    requests: { canary: requests * 0.2, stable: requests * 0.8 },
    metrics: {
      'error-rate': {
        canary: { kind: 'errors', bad: canaryErrors, total: requests * 0.2 },
        stable: { kind: 'errors', bad: 0, total: requests * 0.8 }
      }
    }
  };
}

/** Rolls back when the canary's tick error rate exceeds `maxErrorRate`; passes once the soak is over. */
export class RuleJudge implements Judge {
  readonly name = 'rule';
  private step?: StepContext;
  /** The plan each begin() was given. */
  readonly plans: Array<readonly PlannedStep[] | undefined> = [];
  constructor(
    private readonly maxErrorRate = 0.05,
    private readonly warnAbove?: number
  ) {}
  begin(_analysis: AnalysisSpec, _baseline: Baseline, plan?: readonly PlannedStep[]): void {
    this.plans.push(plan);
  }
  startStep(step: StepContext): void {
    this.step = step;
  }
  evaluate(tick: Parameters<Judge['evaluate']>[0]): Verdict {
    const obs = tick.metrics['error-rate']?.canary;
    const rate = obs && obs.kind === 'errors' && obs.total > 0 ? obs.bad / obs.total : 0;
    const metrics = [
      {
        metric: 'error-rate',
        title: '5xx rate',
        kind: 'errors' as const,
        unit: 'fraction' as const,
        canary: rate,
        stable: 0,
        canaryEvents: 0,
        stableEvents: 0,
        status: rate > this.maxErrorRate ? ('fail' as const) : ('ok' as const),
        sentence: `5xx rate ${(rate * 100).toFixed(1)}% on canary vs 0.0% on stable`
      }
    ];
    if (rate > this.maxErrorRate) return { action: 'rollback', reason: metrics[0].sentence, metrics };
    const warning =
      this.warnAbove !== undefined && rate > this.warnAbove ? `5xx rate near its limit: ${rate}` : undefined;
    const done = tick.stepElapsedSeconds >= (this.step?.soakSeconds ?? 0);
    return { action: done ? 'pass' : 'continue', reason: done ? 'soak passed' : 'soaking', warning, metrics };
  }
}

export class RecordingReporter implements Reporter {
  events: string[] = [];
  last?: RolloutRecord;
  constructor(private readonly failWith?: Error) {}
  async start(record: RolloutRecord): Promise<void> {
    this.events.push('start');
    this.last = record;
    if (this.failWith) throw this.failWith;
  }
  async update(record: RolloutRecord): Promise<void> {
    this.events.push('update');
    this.last = record;
    if (this.failWith) throw this.failWith;
  }
  async finish(record: RolloutRecord): Promise<void> {
    this.events.push(`finish ${record.decision}`);
    this.last = record;
    if (this.failWith) throw this.failWith;
  }
}

export class MemoryLogger implements Logger {
  lines: string[] = [];
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warning(m: string): void {
    this.lines.push(`warning ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

/** The engine tests' spec: the shared test spec with the storefront's v2 and no values files. */
export function makeSpec(overrides: Partial<RolloutSpec> = {}): RolloutSpec {
  return rolloutSpec({
    chart: 'charts/storefront',
    version: '2.0.0',
    valuesFiles: [],
    set: [],
    analysis: {
      ...rolloutSpec().analysis,
      requests: 'http_requests_total{release="{{release}}"}',
      minCanaryRequests: 50
    },
    ...overrides
  });
}
