// The one path that finishes a rollout record: the engine, the commands (promote, rollback, status),
// a first release and the post step all end here. It carries out the decision (removes the canary,
// with retries), reads both releases back from the cluster, and records what is true: the decision,
// a reason that names what the cluster shows, the weight the canary really holds, and what is left
// to do by hand. Once no canary is left it deletes the lease that held the marks. Then it reports on
// every path (check run, summary, outputs and alerts go out from the reporter).
import type { Clock } from '../clock.js';
import type { Deployer } from '../deploy/types.js';
import type { TrafficRouter } from '../routing/types.js';
import { errorMessage } from '../error-message.js';
import { retry } from '../retry.js';
import type { Logger } from './ports.js';
import type { Decision, ReadBack, RolloutRecord } from './record.js';
import type { CanaryLease } from './lock.js';
import { addEvent, decide, setPhase } from './record-builder.js';

export interface OutcomeDeps {
  deployer: Deployer;
  router: TrafficRouter;
  clock: Clock;
  log: Logger;
  persist?: (record: RolloutRecord) => void;
  /** Sends the finished record to every reporter; must not throw. */
  report: (record: RolloutRecord) => Promise<void>;
  /** The lease beside the canary: deleted here once no canary is left. */
  lock?: Pick<CanaryLease, 'release' | 'where' | 'read' | 'adopt'>;
}

/** How often and how patiently the canary's removal is tried before the outcome says it failed. */
export const REMOVAL_RETRY = { attempts: 3, delayMs: 2_000 };

/** A decision that removes the canary: promoted (stable already runs the new version) or not. */
export interface RemovingEnding {
  decision: 'promoted' | 'rolled-back' | 'failed' | 'cancelled';
  reason: string;
  removeCanary: true;
}

/** A decision that leaves the releases as they are. */
export interface KeepingEnding {
  decision: Decision;
  reason: string;
  removeCanary?: false;
  /** The canary's weight when it is kept (paused); 0 when nothing was deployed or changed. */
  finalWeight: number;
  nothingDeployed?: boolean;
}

/**
 * A first release: stable was installed directly at the new version. `installed` holds only if stable
 * reads back deployed at that version; otherwise `otherwise` (failed, or cancelled in the post step).
 */
export interface InstalledEnding {
  decision: 'installed';
  reason: string;
  firstRelease: true;
  /** The install's error, when it threw. */
  installError?: unknown;
  otherwise?: 'failed' | 'cancelled';
}

export type Ending = RemovingEnding | KeepingEnding | InstalledEnding;

export async function finishRecord(
  record: RolloutRecord,
  ending: Ending,
  deps: OutcomeDeps
): Promise<RolloutRecord> {
  const now = (): Date => new Date(deps.clock.now());
  let decision = ending.decision;
  let reason = sentence(ending.reason);
  let finalWeight: number;
  record.incomplete = undefined;

  if ('firstRelease' in ending) {
    ({ decision, reason, finalWeight } = await installedOutcome(record, ending, deps));
    await releaseLock(deps, 'held');
  } else if (ending.removeCanary) {
    // Saved first: if the runner kills us during the removal, the post step finishes this verdict.
    record.pending = { decision: ending.decision, reason: ending.reason };
    setPhase(record, ending.decision === 'promoted' ? 'promoting' : 'rolling-back');
    save(record, deps);
    const removalError = await removeCanary(record, deps);
    const seen = await readBack(deps);
    record.readBack = seen;
    const stable = stableSentence(record.release, seen, ending.decision === 'promoted');
    const left = leftOver(record, seen, removalError);
    if (!left) {
      finalWeight = ending.decision === 'promoted' ? 100 : 0;
      reason = `${reason} ${stable}; ${record.canaryRelease} was removed.`;
    } else {
      finalWeight = seen.canaryWeight ?? record.currentWeight;
      record.incomplete = left;
      reason = `${reason} ${stable}; ${left}`;
      deps.log.warning(left);
    }
    record.currentWeight = finalWeight === 100 ? record.currentWeight : finalWeight;
    // The lease marks a canary: once it is gone, so is the lease (whoever drove it).
    if (seen.canaryPresent === false) await releaseLock(deps, 'any');
  } else {
    finalWeight = ending.finalWeight;
    if (ending.nothingDeployed) {
      record.nothingDeployed = true;
      await releaseLock(deps, 'held');
    }
    if (ending.decision === 'paused') {
      // A pause holds traffic on purpose: report the weight the canary really holds.
      const seen = await readBack(deps);
      record.readBack = seen;
      if (seen.canaryWeight !== undefined) finalWeight = seen.canaryWeight;
      if (seen.canaryPresent === false) {
        decision = 'failed';
        reason = `${reason} But ${record.canaryRelease} is gone: someone removed it meanwhile.`;
        finalWeight = 0;
      }
    }
  }

  record.pending = undefined;
  decide(record, decision, reason, finalWeight, now());
  addEvent(record, now(), 'decision', `Decision: ${decision}. ${reason}`);
  deps.log.info(`Decision: ${decision}. ${reason}`);
  save(record, deps);
  await deps.report(record);
  return record;
}

/** Stable as read back after a first release's install: installed only if deployed at the new version. */
async function installedOutcome(
  record: RolloutRecord,
  ending: InstalledEnding,
  deps: OutcomeDeps
): Promise<{ decision: Decision; reason: string; finalWeight: number }> {
  const seen = await readBack(deps);
  record.readBack = seen;
  const stable = stableSentence(record.release, seen, false);
  const ok =
    ending.installError === undefined &&
    seen.stableStatus === 'deployed' &&
    seen.stableVersion === record.version;
  if (ok) {
    return { decision: 'installed', reason: `${sentence(ending.reason)} ${stable}.`, finalWeight: 100 };
  }
  const why =
    ending.installError !== undefined
      ? `Installing ${record.release} ${record.version} as the first release failed: ${errorMessage(ending.installError)}`
      : sentence(ending.reason);
  const expected = `expected ${record.version}, deployed`;
  return {
    decision: ending.otherwise ?? 'failed',
    reason: `${sentence(why)} ${stable} (${expected}).`,
    finalWeight: 0
  };
}

/** Deletes the lease once no canary is left; a failure is logged (the lease then expires on its own). */
async function releaseLock(deps: OutcomeDeps, scope: 'held' | 'any'): Promise<void> {
  if (!deps.lock) return;
  try {
    await deps.lock.release(scope);
  } catch (error) {
    deps.log.warning(`Could not delete ${deps.lock.where}: ${errorMessage(error)}; it expires on its own`);
  }
}

/** Removes the canary with retries; the error of the last attempt, or undefined when it worked. */
async function removeCanary(record: RolloutRecord, deps: OutcomeDeps): Promise<unknown> {
  try {
    await retry(() => removeCanaryRelease(deps), {
      ...REMOVAL_RETRY,
      sleep: (ms) => deps.clock.sleep(ms),
      onRetry: (error, attempt) =>
        deps.log.warning(
          `Removing ${record.canaryRelease} failed (attempt ${attempt} of ${REMOVAL_RETRY.attempts}): ${errorMessage(error)}`
        )
    });
    addEvent(record, new Date(deps.clock.now()), 'canary-removed', `Removed ${record.canaryRelease}`);
    return undefined;
  } catch (error) {
    addEvent(
      record,
      new Date(deps.clock.now()),
      'error',
      `Removing ${record.canaryRelease} failed ${REMOVAL_RETRY.attempts} times: ${errorMessage(error)}`
    );
    return error ?? new Error('removal failed');
  }
}

/** Traffic off the canary first (through its router), then its release uninstalled. */
export async function removeCanaryRelease(deps: Pick<OutcomeDeps, 'router' | 'deployer'>): Promise<void> {
  await deps.router.remove();
  await deps.deployer.removeCanary();
}

/**
 * Stable upgraded to the new version. Its router first gets stable's objects back as rendered (a
 * route the action edited is restored and handed back to Helm), so the upgrade cannot conflict.
 */
export async function promoteStable(
  deps: Pick<OutcomeDeps, 'router' | 'deployer'>,
  record: Pick<RolloutRecord, 'previousRevision'>
): Promise<void> {
  // Stable's revision before the upgrade, for a later job that undoes it (the waves workflow). A
  // failed read leaves it unknown; the upgrade itself decides whether the promotion happens.
  const before = await deps.deployer.stableState().catch(() => undefined);
  if (before?.exists && before.revision !== undefined) record.previousRevision = before.revision;
  await deps.router.beforePromotion();
  await deps.deployer.promoteStable();
}

/**
 * Both releases as Helm shows them now, and the canary's weight where its router keeps it; a read
 * that fails is recorded as unknown, never as fine.
 */
export async function readBack({
  deployer,
  router
}: Pick<OutcomeDeps, 'router' | 'deployer'>): Promise<ReadBack & { errors: string[] }> {
  const errors: string[] = [];
  const seen: ReadBack & { errors: string[] } = { canaryPresent: null, errors };
  try {
    const canary = await deployer.canaryState();
    seen.canaryPresent = canary.exists;
    if (canary.exists) {
      seen.canaryStatus = canary.status;
      seen.canaryWeight = (await router.describe(canary)).weight;
    }
  } catch (error) {
    errors.push(`the canary could not be read back (${errorMessage(error)})`);
  }
  try {
    const stable = await deployer.stableState();
    seen.stableStatus = stable.exists ? stable.status : 'not installed';
    seen.stableRevision = stable.revision;
    seen.stableVersion = stable.version;
  } catch (error) {
    errors.push(`the stable release could not be read back (${errorMessage(error)})`);
  }
  return seen;
}

/** What is still in the cluster that should not be, as a sentence with what to do; undefined when clean. */
function leftOver(record: RolloutRecord, seen: ReadBack, removalError: unknown): string | undefined {
  const canary = record.canaryRelease;
  const why = removalError ? ` (removal failed: ${errorMessage(removalError)})` : '';
  if (seen.canaryPresent === false) return undefined;
  if (seen.canaryPresent === null) {
    return `${canary} could not be read back after its removal${why}; check it with \`command: status\` and remove it with \`command: rollback\`.`;
  }
  const weight = seen.canaryWeight !== undefined ? ` at ${seen.canaryWeight}%` : '';
  const status = seen.canaryStatus ? ` (${seen.canaryStatus})` : '';
  return `${canary} is still deployed${weight}${status}${why}; remove it with \`command: rollback\`.`;
}

/** "stable storefront runs 2.0.0 (revision 3, deployed)", from what was read back. */
export function stableSentence(release: string, seen: ReadBack, promoted: boolean): string {
  if (seen.stableStatus === undefined) return `${release} could not be read back`;
  if (seen.stableStatus === 'not installed') return `${release} is not installed`;
  const version = seen.stableVersion ? ` ${seen.stableVersion}` : ' an unknown version';
  const where = [seen.stableRevision ? `revision ${seen.stableRevision}` : '', seen.stableStatus]
    .filter(Boolean)
    .join(', ');
  return `${release} ${promoted ? 'now runs' : 'runs'}${version}${promoted && seen.stableStatus === 'deployed' ? ' at 100%' : ''} (${where})`;
}

function save(record: RolloutRecord, deps: OutcomeDeps): void {
  try {
    deps.persist?.(record);
  } catch (error) {
    deps.log.warning(`Could not save the rollout state: ${errorMessage(error)}`);
  }
}

/** Ends with a full stop, so sentences can follow it. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
