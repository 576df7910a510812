// The `command` input: deploy (with resume, replace, the lock and a first release), promote, rollback
// and status. Each reads the canary's state back from the cluster (the release through the Deployer,
// the marks from the lease beside it), never from the runner, changes only a release whose lease
// carries this action's marks for this stable release, and finishes its record through outcomes.ts
// like the engine does.
import type { RolloutSpec } from '../config/spec.js';
import type { CanaryState } from '../deploy/types.js';
import type { RolloutRecord } from './record.js';
import type { EngineDeps } from './ports.js';
import { runRollout } from './engine.js';
import { addEvent, newRecord } from './record-builder.js';
import { foreignRelease, lockConflict, makeMarks, resumeStepIndex, type MarkPhase } from './ownership.js';
import { errorMessage } from '../error-message.js';
import { formatDuration } from '../format.js';
import {
  finishRecord,
  promoteStable,
  removeCanaryRelease,
  type Ending,
  type OutcomeDeps
} from './outcomes.js';
import { preflightStep } from './preflight-step.js';
import { CanaryLease, readCanary } from './lock.js';
import { installFirstRelease } from './first-release.js';

export interface CommandContext {
  /** Identifies this workflow run for the lock (GITHUB_RUN_ID; re-runs of the same run share it). */
  holder: string;
  /** This run's check run id, once created, so later runs can find it in the canary's marks. */
  checkRunId?: () => number | undefined;
  /** Continue an earlier run's check run (left in progress when that run died) instead of a new one. */
  adoptCheckRun?: (id: number) => void;
}

/** What `status` found, for the step outputs. */
export interface CanaryStatus {
  status: 'none' | 'in-progress' | 'paused';
  version?: string;
  weight?: number;
  ageSeconds?: number;
}

export interface CommandResult {
  record: RolloutRecord;
  status?: CanaryStatus;
}

export async function runCommand(
  spec: RolloutSpec,
  deps: EngineDeps,
  context: CommandContext
): Promise<CommandResult> {
  const lease = new CanaryLease(deps.marks, deps.deployer, () => deps.clock.now());
  if (spec.command === 'status') return status(spec, deps, lease);
  try {
    switch (spec.command) {
      case 'deploy':
        return { record: await deploy(spec, deps, context, lease) };
      case 'promote':
        return { record: await promoteNow(spec, deps, context, lease) };
      case 'rollback':
        return { record: await rollbackNow(spec, deps, context, lease) };
    }
  } catch (error) {
    // A failure before a record was finished (reading the canary back, say) is still reported.
    return {
      record: await finish(newRecord(spec, now(deps)), deps, lease, {
        decision: 'failed',
        reason: `${spec.command} failed before changing anything: ${errorMessage(error)}`,
        finalWeight: 0,
        nothingDeployed: true
      })
    };
  }
}

async function deploy(
  requested: RolloutSpec,
  engineDeps: EngineDeps,
  context: CommandContext,
  lease: CanaryLease
): Promise<RolloutRecord> {
  // Before anything changes, on every deploy; a dry run ends with it.
  const checked = await preflightStep(requested, engineDeps);
  if (checked.kind === 'stop') return finish(checked.record, engineDeps, lease, checked.ending);
  const { spec, deps } = checked;
  const { clock } = deps;
  const state: CanaryState = spec.dryRun ? { exists: false } : await readCanary(deps, lease);
  const startedAt = state.marks?.startedAt ?? new Date(clock.now()).toISOString();
  const stepSeconds =
    spec.soakSeconds + spec.analysis.maxExtraSoakSeconds + 4 * spec.intervalSeconds + spec.helmTimeoutSeconds;
  // Weight steps do not write the lease, so it covers every step of the rollout.
  const leaseSeconds = stepSeconds * spec.steps.length + 60;
  const marks = (phase: MarkPhase) =>
    makeMarks({
      version: spec.version,
      holder: context.holder,
      stableRelease: spec.release,
      phase,
      now: clock.now(),
      leaseSeconds,
      startedAt,
      checkRunId: context.checkRunId?.()
    });
  const engine = { marks, lock: lease, preflight: checked.preflight };

  if (!state.exists) {
    // No stable release yet: nothing to canary against (first-release.ts).
    if (!spec.dryRun && !(await deps.deployer.stableState()).exists) {
      return installFirstRelease(spec, deps, outcomeDeps(deps, lease), lease, marks('installing'));
    }
    return runRollout(spec, deps, engine);
  }

  const foreign = foreignRelease(state, spec.canaryRelease, spec.release);
  if (foreign) return refuse(spec, deps, lease, `Refused: ${foreign}. Nothing was changed.`);

  const conflict = lockConflict(state, context.holder, clock.now());
  if (conflict) return refuse(spec, deps, lease, `Refused: ${conflict}. Nothing was changed.`);

  if (state.version !== spec.version) {
    if (!spec.replace) {
      return refuse(
        spec,
        deps,
        lease,
        `Refused: ${spec.canaryRelease} already runs ${state.version ?? 'another version'} at ${state.weight ?? '?'}%; ` +
          `finish it with command: promote or rollback, or set replace: true. Nothing was changed.`
      );
    }
    deps.log.info(`Replacing the canary of ${state.version ?? 'another version'} with ${spec.version}`);
    await removeCanaryRelease(deps);
    return runRollout(spec, deps, engine);
  }

  const paused = state.marks?.phase === 'paused';
  adoptLeftoverCheckRun(state, context);
  // Take the lease over (this run after a crash, a paused canary, an expired lease), atomically.
  const taken = await lease.take(marks('soaking'));
  if (!taken.acquired) return refuse(spec, deps, lease, `Refused: ${taken.reason}. Nothing was changed.`);
  const startStepIndex = resumeStepIndex(spec.steps, state.weight ?? 0, paused);
  deps.log.info(
    `${spec.canaryRelease} already runs ${spec.version} at ${state.weight ?? 0}%` +
      `${paused ? ' (paused)' : ''}: continuing at step ${startStepIndex + 1} (${spec.steps[startStepIndex]}%)`
  );
  return runRollout(spec, deps, { ...engine, startStepIndex, canaryExists: true });
}

async function promoteNow(
  spec: RolloutSpec,
  deps: EngineDeps,
  context: CommandContext,
  lease: CanaryLease
): Promise<RolloutRecord> {
  const state = await readCanary(deps, lease);
  const record = startRecord(spec, deps, state);
  if (!state.exists)
    return finish(
      record,
      deps,
      lease,
      keep('none', `No canary of ${spec.release} is in flight; nothing to promote.`)
    );
  const foreign = foreignRelease(state, spec.canaryRelease, spec.release);
  if (foreign)
    return finish(record, deps, lease, keep('refused', `Refused: ${foreign}. Nothing was changed.`));
  const conflict = lockConflict(state, context.holder, deps.clock.now());
  if (conflict)
    return finish(record, deps, lease, keep('refused', `Refused: ${conflict}. Nothing was changed.`));
  adoptLeftoverCheckRun(state, context);
  try {
    addEvent(record, now(deps), 'promote', `Promoting ${spec.release} to ${record.version} by hand`);
    await promoteStable(deps, record);
  } catch (error) {
    // The router may have moved traffic before the upgrade failed: say the weight the cluster shows.
    const weight = await readCanary(deps, lease)
      .then((now) => now.weight)
      .catch(() => undefined);
    return finish(record, deps, lease, {
      decision: 'failed',
      reason: `Promotion of ${spec.release} to ${record.version} failed: ${errorMessage(error)}. ${
        weight === undefined ? 'The canary could not be read back' : `The canary holds ${weight}% of traffic`
      }.`,
      finalWeight: weight ?? state.weight ?? 0
    });
  }
  return finish(record, deps, lease, {
    decision: 'promoted',
    reason: `Promoted by hand.`,
    removeCanary: true
  });
}

async function rollbackNow(
  spec: RolloutSpec,
  deps: EngineDeps,
  context: CommandContext,
  lease: CanaryLease
): Promise<RolloutRecord> {
  // A rollback is always allowed, lock or not, but only on a canary of this stable release.
  const state = await readCanary(deps, lease);
  const record = startRecord(spec, deps, state);
  if (!state.exists) {
    return finish(
      record,
      deps,
      lease,
      keep(
        'none',
        `No canary of ${spec.release} is in flight; nothing to roll back.${await clearLeftover(spec, lease)}`
      )
    );
  }
  const foreign = foreignRelease(state, spec.canaryRelease, spec.release);
  if (foreign)
    return finish(record, deps, lease, keep('refused', `Refused: ${foreign}. Nothing was changed.`));
  adoptLeftoverCheckRun(state, context);
  return finish(record, deps, lease, {
    decision: 'rolled-back',
    reason: `Rolled back by hand from ${state.weight ?? '?'}%.`,
    removeCanary: true
  });
}

async function status(spec: RolloutSpec, deps: EngineDeps, lease: CanaryLease): Promise<CommandResult> {
  const state = await readCanary(deps, lease);
  const record = newRecord({ ...spec, version: state.version ?? spec.version }, now(deps));
  if (!state.exists) {
    await finish(record, deps, lease, keep('none', `No canary of ${spec.release} is in flight.`), {
      report: false
    });
    return { record, status: { status: 'none' } };
  }
  const installed = Date.parse(state.installedAt ?? state.marks?.startedAt ?? '');
  const ageSeconds = Number.isFinite(installed)
    ? Math.round((deps.clock.now() - installed) / 1000)
    : undefined;
  const paused = state.marks?.phase === 'paused';
  const found: CanaryStatus = {
    status: paused ? 'paused' : 'in-progress',
    version: state.version,
    weight: state.weight,
    ageSeconds
  };
  record.currentWeight = state.weight ?? 0;
  const foreign = foreignRelease(state, spec.canaryRelease, spec.release);
  await finish(
    record,
    deps,
    lease,
    keep(
      'none',
      `${spec.canaryRelease} runs ${state.version ?? 'an unknown version'} at ${state.weight ?? '?'}%` +
        `${ageSeconds !== undefined ? ` for ${formatDuration(ageSeconds)}` : ''}${paused ? ', paused for approval' : ''}` +
        `${foreign ? ` (warning: ${foreign})` : ''}.`,
      state.weight ?? 0
    ),
    { report: false }
  );
  return { record, status: found };
}

/**
 * A canary marked as soaking belongs to a run that died mid-soak: its check run is still in
 * progress, so this run finishes that one instead of leaving it spinning forever.
 */
function adoptLeftoverCheckRun(state: CanaryState, context: CommandContext): void {
  const id = Number(state.marks?.checkRunId);
  if (state.marks?.phase === 'soaking' && Number.isInteger(id) && id > 0) context.adoptCheckRun?.(id);
}

/**
 * A lease left without its canary (the canary was uninstalled by hand, or its run died before the
 * install) would refuse every deploy until it expires: a rollback, always allowed, deletes it. Not a
 * first release's lease (that run installs stable, and no canary is expected).
 */
async function clearLeftover(spec: RolloutSpec, lease: CanaryLease): Promise<string> {
  const marks = await lease.read();
  if (!marks || marks.stableRelease !== spec.release || marks.phase === 'installing') return '';
  await lease.release('any');
  return ` Deleted the leftover ${lease.where} of run ${marks.holder ?? '(unknown)'}.`;
}

function keep(decision: 'none' | 'refused', reason: string, finalWeight = 0): Ending {
  return { decision, reason, finalWeight };
}

function refuse(
  spec: RolloutSpec,
  deps: EngineDeps,
  lease: CanaryLease,
  reason: string
): Promise<RolloutRecord> {
  return finish(newRecord(spec, now(deps)), deps, lease, keep('refused', reason));
}

function startRecord(spec: RolloutSpec, deps: EngineDeps, state: CanaryState): RolloutRecord {
  const record = newRecord({ ...spec, version: spec.version || state.version || '' }, now(deps));
  record.currentWeight = state.weight ?? 0;
  return record;
}

/** Every command's outcome goes through outcomes.ts: removal, read-back and reporting alike. */
function finish(
  record: RolloutRecord,
  deps: EngineDeps,
  lease: CanaryLease,
  ending: Ending,
  { report = true }: { report?: boolean } = {}
): Promise<RolloutRecord> {
  return finishRecord(record, ending, outcomeDeps(deps, lease, report));
}

/** The outcome module's ports from the engine's; `lease` is deleted there once no canary is left. */
export function outcomeDeps(
  deps: EngineDeps,
  lease = new CanaryLease(deps.marks, deps.deployer, () => deps.clock.now()),
  report = true
): OutcomeDeps {
  return {
    deployer: deps.deployer,
    router: deps.router,
    clock: deps.clock,
    log: deps.log,
    persist: deps.persist,
    lock: lease,
    report: async (record) => {
      if (!report) return;
      try {
        await deps.reporter.finish(record);
      } catch (error) {
        deps.log.warning(`Reporting failed: ${errorMessage(error)}`);
      }
    }
  };
}

function now(deps: EngineDeps): Date {
  return new Date(deps.clock.now());
}
