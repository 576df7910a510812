// The `command` input: deploy (with resume, replace and the lock), promote, rollback and status.
// Each reads the canary's state back from the cluster through the Deployer, never from the runner.
import type { RolloutSpec } from '../config/spec.js';
import type { CanaryState } from '../deploy/types.js';
import type { RolloutRecord } from './record.js';
import type { EngineDeps } from './ports.js';
import { runRollout } from './engine.js';
import { addEvent, decide, newRecord } from './record-builder.js';
import { lockConflict, makeMarks, resumeStepIndex, type MarkPhase } from './ownership.js';
import { errorMessage } from './report-queue.js';
import { formatDuration } from '../format.js';

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
  switch (spec.command) {
    case 'deploy':
      return { record: await deploy(spec, deps, context) };
    case 'promote':
      return { record: await promoteNow(spec, deps, context) };
    case 'rollback':
      return { record: await rollbackNow(spec, deps, context) };
    case 'status':
      return status(spec, deps);
  }
}

async function deploy(spec: RolloutSpec, deps: EngineDeps, context: CommandContext): Promise<RolloutRecord> {
  const { deployer, clock } = deps;
  const state = spec.dryRun ? { exists: false } : await deployer.canaryState();
  const startedAt = state.marks?.startedAt ?? new Date(clock.now()).toISOString();
  const leaseSeconds =
    spec.soakSeconds +
    spec.analysis.maxExtraSoakSeconds +
    4 * spec.intervalSeconds +
    spec.helmTimeoutSeconds +
    60;
  const marks = (phase: MarkPhase) => {
    const written: Record<string, string> = makeMarks(
      spec.version,
      context.holder,
      phase,
      clock.now(),
      leaseSeconds,
      startedAt
    );
    const checkRunId = context.checkRunId?.();
    if (checkRunId) written.checkRunId = String(checkRunId);
    return written;
  };

  if (!state.exists) return runRollout(spec, deps, { marks });

  const conflict = lockConflict(state, context.holder, clock.now());
  if (conflict) return refuse(spec, deps, `Refused: ${conflict}. Nothing was changed.`);

  if (state.version !== spec.version) {
    if (!spec.replace) {
      return refuse(
        spec,
        deps,
        `Refused: ${spec.canaryRelease} already runs ${state.version ?? 'another version'} at ${state.weight ?? '?'}%; ` +
          `finish it with command: promote or rollback, or set replace: true. Nothing was changed.`
      );
    }
    deps.log.info(`Replacing the canary of ${state.version ?? 'another version'} with ${spec.version}`);
    await deployer.removeCanary();
    return runRollout(spec, deps, { marks });
  }

  const paused = state.marks?.phase === 'paused';
  adoptLeftoverCheckRun(state, context);
  const startStepIndex = resumeStepIndex(spec.steps, state.weight ?? 0, paused);
  deps.log.info(
    `${spec.canaryRelease} already runs ${spec.version} at ${state.weight ?? 0}%` +
      `${paused ? ' (paused)' : ''}: continuing at step ${startStepIndex + 1} (${spec.steps[startStepIndex]}%)`
  );
  return runRollout(spec, deps, { marks, startStepIndex, canaryExists: true });
}

async function promoteNow(
  spec: RolloutSpec,
  deps: EngineDeps,
  context: CommandContext
): Promise<RolloutRecord> {
  const state = await deps.deployer.canaryState();
  const record = startRecord(spec, deps, state);
  if (!state.exists)
    return done(record, deps, 'none', `No canary of ${spec.release} is in flight; nothing to promote.`, 0);
  const conflict = lockConflict(state, context.holder, deps.clock.now());
  if (conflict)
    return done(record, deps, 'refused', `Refused: ${conflict}. Nothing was changed.`, state.weight ?? 0);
  adoptLeftoverCheckRun(state, context);
  try {
    addEvent(record, now(deps), 'promote', `Promoting ${spec.release} to ${record.version} by hand`);
    await deps.deployer.promoteStable();
  } catch (error) {
    return done(
      record,
      deps,
      'failed',
      `Promotion of ${spec.release} to ${record.version} failed: ${errorMessage(error)}. The canary was left at ${state.weight ?? '?'}%.`,
      state.weight ?? 0
    );
  }
  await deps.deployer.removeCanary();
  addEvent(record, now(deps), 'canary-removed', `Removed ${spec.canaryRelease}`);
  return done(
    record,
    deps,
    'promoted',
    `Promoted by hand: ${spec.release} now runs ${record.version} at 100%.`,
    100
  );
}

async function rollbackNow(
  spec: RolloutSpec,
  deps: EngineDeps,
  context: CommandContext
): Promise<RolloutRecord> {
  // A rollback is always allowed, lock or not: it only ever removes the canary.
  const state = await deps.deployer.canaryState();
  const record = startRecord(spec, deps, state);
  if (!state.exists)
    return done(record, deps, 'none', `No canary of ${spec.release} is in flight; nothing to roll back.`, 0);
  adoptLeftoverCheckRun(state, context);
  await deps.deployer.removeCanary();
  addEvent(record, now(deps), 'canary-removed', `Removed ${spec.canaryRelease}; ${spec.release} untouched`);
  return done(
    record,
    deps,
    'rolled-back',
    `Rolled back by hand from ${state.weight ?? '?'}%: ${spec.canaryRelease} removed, ${spec.release} untouched.`,
    0
  );
}

async function status(spec: RolloutSpec, deps: EngineDeps): Promise<CommandResult> {
  const state = await deps.deployer.canaryState();
  const record = newRecord({ ...spec, version: state.version ?? spec.version }, now(deps));
  if (!state.exists) {
    decide(record, 'none', `No canary of ${spec.release} is in flight.`, 0, now(deps));
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
  decide(
    record,
    'none',
    `${spec.canaryRelease} runs ${state.version ?? 'an unknown version'} at ${state.weight ?? '?'}%` +
      `${ageSeconds !== undefined ? ` for ${formatDuration(ageSeconds)}` : ''}${paused ? ', paused for approval' : ''}.`,
    state.weight ?? 0,
    now(deps)
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

function refuse(spec: RolloutSpec, deps: EngineDeps, reason: string): Promise<RolloutRecord> {
  const record = newRecord(spec, now(deps));
  return done(record, deps, 'refused', reason, 0);
}

function startRecord(spec: RolloutSpec, deps: EngineDeps, state: CanaryState): RolloutRecord {
  const record = newRecord({ ...spec, version: spec.version || state.version || '' }, now(deps));
  record.currentWeight = state.weight ?? 0;
  return record;
}

async function done(
  record: RolloutRecord,
  deps: EngineDeps,
  decision: NonNullable<RolloutRecord['decision']>,
  reason: string,
  finalWeight: number
): Promise<RolloutRecord> {
  decide(record, decision, reason, finalWeight, now(deps));
  deps.log.info(`Decision: ${decision}. ${reason}`);
  deps.persist?.(record);
  try {
    await deps.reporter.finish(record);
  } catch (error) {
    deps.log.warning(`Reporting failed: ${errorMessage(error)}`);
  }
  return record;
}

function now(deps: EngineDeps): Date {
  return new Date(deps.clock.now());
}
