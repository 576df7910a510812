// The rollout state machine: for each step set the weight, soak while sampling every interval and
// asking the judge, then promote or roll back. Pure logic: the world is reached only through ports.
// Invariant: once the canary release may exist, every exit path either promotes it, removes it,
// pauses it on purpose, or (on a signal) hands it to the post step with the phase saved.
import type { RolloutSpec } from '../config/spec.js';
import type { Decision, PreflightRecord, RolloutRecord } from './record.js';
import type { EngineDeps } from './ports.js';
import { ReportQueue } from './report-queue.js';
import { errorMessage } from '../error-message.js';
import { addEvent, beginStep, endStep, newRecord, setPhase } from './record-builder.js';
import { formatDuration } from '../format.js';
import type { MarkPhase } from './ownership.js';
import { finishRecord, promoteStable, removeCanaryRelease, type Ending } from './outcomes.js';
import { CanaryLease, NothingDeployedError } from './lock.js';
import { StableDataWatch } from './stable-data.js';
import {
  Interrupted,
  plannedSteps,
  soakStep,
  throwIfInterrupted as checkSignal,
  type SoakContext
} from './soak.js';

export interface EngineOptions {
  /** Index into spec.steps to start from (resume, or continue after a manual pause). */
  startStepIndex?: number;
  /** The canary release already exists: move its weight instead of installing it. */
  canaryExists?: boolean;
  /** Ownership marks, written on the lease beside the canary, so later runs can read the state back. */
  marks?: (phase: MarkPhase) => Record<string, string>;
  /** The lease that takes the canary (created create-only, then `helm install`); default: a new one. */
  lock?: CanaryLease;
  /** What the preflight found, kept in the record for the summary. */
  preflight?: PreflightRecord;
}

export async function runRollout(
  spec: RolloutSpec,
  deps: EngineDeps,
  options: EngineOptions = {}
): Promise<RolloutRecord> {
  const { deployer, router, sampler, judge, clock, log, signal } = deps;
  const now = (): Date => new Date(clock.now());
  const record = newRecord(spec, now());
  if (options.preflight) record.preflight = options.preflight;
  const reports = new ReportQueue(deps.reporter, log);
  const startIndex = options.startStepIndex ?? 0;
  const rolloutStart = clock.now();
  const stableData = new StableDataWatch();
  let canaryMayExist = options.canaryExists ?? false;

  const persist = (): void => {
    try {
      deps.persist?.(record);
    } catch (error) {
      log.warning(`Could not save the rollout state: ${errorMessage(error)}`);
    }
  };
  const event = (type: string, message: string): void => {
    addEvent(record, now(), type, message);
    log.info(message);
  };
  const lock = options.lock ?? new CanaryLease(deps.marks, deployer, () => clock.now());
  const outcomeDeps = {
    deployer,
    router,
    clock,
    log,
    persist: deps.persist,
    lock,
    report: async (finished: RolloutRecord) => {
      reports.finish(finished);
      await reports.drain();
    }
  };
  const end = (ending: Ending): Promise<RolloutRecord> => finishRecord(record, ending, outcomeDeps);
  const finish = (decision: Decision, reason: string, finalWeight: number): Promise<RolloutRecord> =>
    end({ decision, reason, finalWeight });
  const throwIfInterrupted = (): void => checkSignal(signal);
  const soakContext: SoakContext = {
    spec,
    judge,
    sampler,
    clock,
    log,
    signal,
    record,
    stableData,
    rolloutStart,
    onTick: () => {
      persist();
      reports.update(record);
    }
  };

  try {
    record.previousVersion = await deployer.stableVersion().catch(() => undefined);
    if (spec.dryRun) return await dryRun();

    reports.start(record);
    // Read every counter before the canary exists: a Prometheus that does not answer stops us here,
    // with nothing touched, and later samples are deltas from this baseline.
    const baseline = await sampler.baseline();
    judge.begin(spec.analysis, baseline, plannedSteps(spec, startIndex));
    throwIfInterrupted();

    for (let index = startIndex; index < spec.steps.length; index++) {
      const weight = spec.steps[index];
      const step = beginStep(record, index, weight, now());
      setPhase(record, 'deploying');
      persist();
      canaryMayExist = true;
      if (index === startIndex && !options.canaryExists) {
        event('deploy-canary', `Installing ${spec.canaryRelease} (${spec.version}) at ${weight}% of traffic`);
        // A router that keeps the weight in its own object gives the canary its share in prepare():
        // its release is installed at 0, with no second Helm revision for the weight.
        const installWeight = router.carriesMarks ? weight : 0;
        const taken = await lock.acquire(installWeight, options.marks?.('soaking') ?? {});
        if (!taken.acquired) {
          // Another run created the canary first: its release is not ours to change or remove.
          canaryMayExist = false;
          record.stepRecords.pop();
          record.currentWeight = 0;
          return await finish('refused', `Refused: ${taken.reason}. Nothing was changed.`, 0);
        }
        await router.prepare(weight);
      } else {
        event('set-weight', `Shifting ${weight}% of traffic to ${spec.canaryRelease}`);
        await router.setWeight(weight);
      }
      // Weight steps leave the lease alone; it is written again only when a mark changed (the check run id).
      await lock.refresh(options.marks?.('soaking') ?? {}).catch((error: unknown) => {
        log.warning(`Could not update the marks on ${lock.where}: ${errorMessage(error)}`);
      });
      throwIfInterrupted();
      setPhase(record, 'soaking');
      persist();
      reports.update(record);

      const result = await soakStep(soakContext, step, index, weight);
      if (result.kind === 'rollback' || result.kind === 'fail') {
        endStep(step, result.kind === 'rollback' ? 'rolled-back' : 'failed', now(), result.reason);
        return await rollBack(result.kind === 'rollback' ? 'rolled-back' : 'failed', result.reason);
      }
      if (result.kind === 'pause') {
        endStep(step, 'paused', now(), result.reason);
        return await pause(weight, result.reason);
      }
      endStep(step, 'passed', now());
      event('step-passed', `Step ${index + 1} of ${spec.steps.length} passed at ${weight}%`);
      const gate = manualGate(index, result.warning);
      if (gate) {
        step.outcome = 'paused';
        step.reason = gate;
        return await pause(weight, gate);
      }
    }
    return await promote();
  } catch (error) {
    if (error instanceof Interrupted) return interrupted(error.message);
    const reason = `The rollout failed: ${errorMessage(error)}`;
    const running = record.stepRecords.at(-1);
    if (!canaryMayExist || error instanceof NothingDeployedError) {
      record.stepRecords = record.stepRecords.filter((s) => s !== running);
      record.currentWeight = 0;
      return end({
        decision: 'failed',
        reason: `${reason}. Nothing was deployed.`,
        finalWeight: 0,
        nothingDeployed: true
      });
    }
    if (running?.outcome === 'running') endStep(running, 'failed', now(), reason);
    return rollBack('failed', reason);
  }

  /** Why to stop after a passed step, or undefined to go on. */
  function manualGate(index: number, warning: string | undefined): string | undefined {
    const last = index === spec.steps.length - 1;
    if (last) return undefined;
    const next = spec.steps[index + 1];
    const continueHint = `Run this action again with command: deploy and version: ${spec.version} to continue to ${next}%, or command: promote / rollback.`;
    if (spec.decision === 'hybrid' && warning) {
      return `Paused at ${spec.steps[index]}% for a person because the judge raised a warning: ${warning} ${continueHint}`;
    }
    if (spec.decision !== 'manual') return undefined;
    const beforeFinal = index === spec.steps.length - 2;
    if (spec.manualGate === 'before-final' && !beforeFinal) return undefined;
    return `Paused at ${spec.steps[index]}% for approval after step ${index + 1} of ${spec.steps.length} passed. ${continueHint}`;
  }

  async function pause(weight: number, reason: string): Promise<RolloutRecord> {
    // Mark the pause on the lease, so a later run knows it was deliberate and may continue.
    try {
      const marks = options.marks?.('paused');
      if (marks) await lock.mark(marks);
    } catch (error) {
      log.warning(`Could not mark ${spec.canaryRelease} as paused: ${errorMessage(error)}`);
    }
    return finish('paused', reason, weight);
  }

  async function promote(): Promise<RolloutRecord> {
    setPhase(record, 'promoting');
    persist();
    event('promote', `Promoting ${spec.release} to ${spec.version}`);
    try {
      await promoteStable(deps, record);
    } catch (error) {
      return rollBack(
        'failed',
        `Promotion of ${spec.release} to ${spec.version} failed: ${errorMessage(error)}`
      );
    }
    const took = formatDuration((clock.now() - rolloutStart) / 1000);
    const steps = spec.steps.length - startIndex;
    return end({
      decision: 'promoted',
      reason: `All ${steps} step${steps === 1 ? '' : 's'} passed in ${took}.`,
      removeCanary: true
    });
  }

  function rollBack(decision: 'rolled-back' | 'failed', reason: string): Promise<RolloutRecord> {
    event('rollback', `Rolling back ${spec.canaryRelease}: ${reason}`);
    return end({ decision, reason, removeCanary: true });
  }

  async function interrupted(why: string): Promise<RolloutRecord> {
    // The runner kills us ~10 s after SIGINT; the post step removes the canary with the saved phase.
    const running = record.stepRecords.at(-1);
    if (running?.outcome === 'running') endStep(running, 'cancelled', now(), why);
    setPhase(record, 'interrupted');
    event('signal', `${why}: stopped sampling; the post step removes the canary`);
    record.decision = 'cancelled';
    record.reason = `${why} at ${record.currentWeight}%; the canary is handed to the post step for removal.`;
    record.finalWeight = record.currentWeight;
    persist();
    await reports.drain(2_000);
    return record;
  }

  async function dryRun(): Promise<RolloutRecord> {
    event('dry-run', 'Dry run: printing every Helm command, changing nothing');
    for (let index = startIndex; index < spec.steps.length; index++) {
      const weight = spec.steps[index];
      if (index === startIndex && !options.canaryExists) {
        await deployer.installCanary(weight);
        await router.prepare(weight);
      } else await router.setWeight(weight);
      log.info(
        `Would soak ${formatDuration(spec.soakSeconds)} at ${weight}%, sampling every ${formatDuration(spec.intervalSeconds)}`
      );
    }
    log.info('On success:');
    await promoteStable(deps, record);
    await removeCanaryRelease(deps);
    log.info('On rollback:');
    await removeCanaryRelease(deps);
    return finish('none', 'Dry run: nothing was changed.', 0);
  }
}
