// How a release group ends. Every member is finished through outcomes.ts (it removes, reads back
// and records what is true), then the group's record is decided from what the members became:
//   - a rollback or failure of one rolls back every member whose canary may exist, dependents first;
//   - a promotion promotes every stable in dependency order (backends first), then removes the
//     canaries; if a later promotion fails, the stables promoted before it are rolled back to their
//     previous Helm revision and the group is `failed`, never a success;
//   - a pause holds every installed canary at its weight, marked paused on its lease.
import { errorMessage } from '../error-message.js';
import { addEvent, decide, setPhase } from './record-builder.js';
import type { Decision, RolloutRecord } from './record.js';
import { finishRecord, promoteStable, type Ending } from './outcomes.js';
import { memberOutcomeDeps, type GroupRun, type Member } from './group-run.js';

/** The group's record decided from its members' records, saved and reported. */
export async function finishGroup(run: GroupRun, decision: Decision, reason: string): Promise<RolloutRecord> {
  const { record, members } = run;
  const now = new Date(run.clock.now());
  const left = members
    .map((m) => m.record.incomplete && `${m.spec.release}: ${m.record.incomplete}`)
    .filter(Boolean);
  record.incomplete = left.length > 0 ? left.join(' ') : undefined;
  record.nothingDeployed = members.every((m) => m.record.nothingDeployed) || undefined;
  const previous = members.map((m) => m.record.previousRevision);
  record.previousRevision = previous.length === 1 ? previous[0] : undefined;
  const each = members.map((m) => `${m.spec.release} ${m.record.decision ?? 'unknown'}`).join(', ');
  // The group's weight: the most traffic any member's new version holds at the end.
  const finalWeight = Math.max(0, ...members.map((m) => m.record.finalWeight));
  const full = `${sentence(reason)} Releases: ${each}.`;
  decide(record, decision, full, finalWeight, now);
  record.currentWeight = finalWeight;
  addEvent(record, now, 'decision', `Decision: ${decision}. ${full}`);
  run.log.info(`Group decision: ${decision}. ${full}`);
  run.persist();
  run.reports.finish(record);
  await run.reports.drain();
  return record;
}

/**
 * Rolls back every member whose canary may exist, dependents first; `culprit` is the release whose
 * step failed (its reason leads, named). Members never installed end with nothing deployed.
 */
export async function rollBackGroup(
  run: GroupRun,
  decision: 'rolled-back' | 'failed',
  reason: string,
  culprit?: Member
): Promise<RolloutRecord> {
  const named = culprit ? `${culprit.spec.release}: ${reason}` : reason;
  // Saved first: if the runner kills us meanwhile, the post step finishes every member with this verdict.
  run.record.pending = { decision, reason: named };
  setPhase(run.record, 'rolling-back');
  run.persist();
  for (const member of [...run.members].reverse()) {
    const own = member === culprit ? reason : `Rolled back with the group because ${named}`;
    const ending: Ending = member.mayExist
      ? { decision, reason: own, removeCanary: true }
      : {
          decision,
          reason: `${own}. ${member.spec.canaryRelease} was never installed; nothing changed for ${member.spec.release}`,
          finalWeight: 0,
          nothingDeployed: true
        };
    addEvent(
      member.record,
      new Date(run.clock.now()),
      'rollback',
      `Rolling back ${member.spec.canaryRelease}: ${own}`
    );
    await finishRecord(member.record, ending, memberOutcomeDeps(run, member));
  }
  run.record.pending = undefined;
  return finishGroup(run, decision, named);
}

/** Promotes every stable, backends first, then removes the canaries; see the file comment for a failure. */
export async function promoteGroup(run: GroupRun, summary: string): Promise<RolloutRecord> {
  setPhase(run.record, 'promoting');
  run.persist();
  const promoted: Member[] = [];
  for (const member of run.members) {
    setPhase(member.record, 'promoting');
    addEvent(
      member.record,
      new Date(run.clock.now()),
      'promote',
      `Promoting ${member.spec.release} to ${member.spec.version}`
    );
    run.log.info(`Promoting ${member.spec.release} to ${member.spec.version}`);
    run.persist();
    try {
      await promoteStable(member.ports, member.record);
      promoted.push(member);
    } catch (error) {
      return undoPromotion(run, promoted, member, errorMessage(error));
    }
  }
  for (const member of run.members) {
    await finishRecord(
      member.record,
      { decision: 'promoted', reason: summary, removeCanary: true },
      memberOutcomeDeps(run, member)
    );
  }
  return finishGroup(
    run,
    'promoted',
    `${summary} Promoted ${run.members.map((m) => m.spec.release).join(', ')} in dependency order`
  );
}

/** A later member's promotion failed: the earlier stables go back to their previous revision; all canaries go. */
async function undoPromotion(
  run: GroupRun,
  promoted: Member[],
  failed: Member,
  why: string
): Promise<RolloutRecord> {
  const reason = `${failed.spec.release}: the promotion to ${failed.spec.version} failed: ${why}`;
  run.record.pending = { decision: 'failed', reason };
  setPhase(run.record, 'rolling-back');
  run.persist();
  const undone = new Map<Member, { sentence: string; back: boolean }>();
  for (const member of [...promoted].reverse()) undone.set(member, await rollBackStable(run, member, reason));
  for (const member of [...run.members].reverse()) {
    const own =
      member === failed
        ? `The promotion to ${member.spec.version} failed: ${why}`
        : (undone.get(member)?.sentence ?? `Not promoted, because ${reason}`);
    await finishRecord(
      member.record,
      { decision: 'failed', reason: own, removeCanary: true },
      memberOutcomeDeps(run, member)
    );
    const stuck = undone.get(member)?.back === false;
    if (stuck) {
      const manual = `${member.spec.release} still runs ${member.spec.version}: run \`helm rollback ${member.spec.release} ${member.record.previousRevision ?? '<revision>'} --namespace ${member.spec.namespace}\`.`;
      member.record.incomplete = member.record.incomplete ? `${member.record.incomplete} ${manual}` : manual;
    }
  }
  run.record.pending = undefined;
  return finishGroup(run, 'failed', reason);
}

/** Stable back to the revision it ran before this run promoted it; a sentence saying what happened. */
async function rollBackStable(
  run: GroupRun,
  member: Member,
  because: string
): Promise<{ sentence: string; back: boolean }> {
  const { release, version } = member.spec;
  const revision = member.record.previousRevision;
  const rollback = member.ports.deployer.rollbackStable?.bind(member.ports.deployer);
  if (revision === undefined || !rollback) {
    return {
      sentence: `Promoted to ${version}, but ${because}; ${release}'s previous revision is unknown, so it was not rolled back`,
      back: false
    };
  }
  try {
    run.log.info(`Rolling ${release} back to revision ${revision}`);
    await rollback(revision);
    addEvent(
      member.record,
      new Date(run.clock.now()),
      'stable-rollback',
      `Rolled ${release} back to revision ${revision}`
    );
    return {
      sentence: `Promoted to ${version}, then rolled back to revision ${revision} because ${because}`,
      back: true
    };
  } catch (error) {
    return {
      sentence: `Promoted to ${version}, but rolling ${release} back to revision ${revision} failed (${errorMessage(error)}) after ${because}`,
      back: false
    };
  }
}

/** Holds every installed canary at its weight, marked paused; a member not started yet keeps nothing. */
export async function pauseGroup(
  run: GroupRun,
  reason: string,
  pausedMarks: (member: Member) => Record<string, string>
): Promise<RolloutRecord> {
  for (const member of run.members) {
    const deps = memberOutcomeDeps(run, member);
    if (!member.mayExist) {
      await finishRecord(
        member.record,
        {
          decision: 'none',
          reason: `Not started yet (it waits for ${member.after.join(', ')}). ${reason}`,
          finalWeight: 0,
          nothingDeployed: true
        },
        deps
      );
      continue;
    }
    try {
      await member.lease.mark(pausedMarks(member));
    } catch (error) {
      run.log.warning(`Could not mark ${member.spec.canaryRelease} as paused: ${errorMessage(error)}`);
    }
    await finishRecord(
      member.record,
      { decision: 'paused', reason, finalWeight: member.record.currentWeight },
      deps
    );
  }
  const failed = run.members.find((m) => m.record.decision === 'failed');
  if (failed) return rollBackGroup(run, 'failed', failed.record.reason ?? 'it failed while pausing', failed);
  return finishGroup(run, 'paused', reason);
}

/** Nothing was changed: every member ends with `decision` (its own reason where it has one). */
export async function stopGroup(
  run: GroupRun,
  decision: Decision,
  reason: string,
  own: Map<Member, Ending> = new Map()
): Promise<RolloutRecord> {
  for (const member of run.members) {
    const ending = own.get(member) ?? {
      decision,
      reason,
      finalWeight: 0,
      nothingDeployed: decision !== 'none'
    };
    await finishRecord(member.record, ending, memberOutcomeDeps(run, member));
  }
  return finishGroup(run, decision, reason);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
