// What the post step does with a release group the runner interrupted: every member is finished by
// finishInterrupted (interrupted.ts), dependents first, so every canary that may exist is removed (or
// a promotion that got through is finished); a verdict the group had reached stands for every member.
// The group's decision is then what the members became: the same for all, or `failed` when mixed.
import type { ReleaseGroup } from '../config/spec.js';
import type { Clock } from '../clock.js';
import type { Logger } from './ports.js';
import type { Decision, MemberRecord, RolloutRecord } from './record.js';
import { CanaryLease } from './lock.js';
import { finishInterrupted } from './interrupted.js';
import { newGroupRecord } from './group-engine.js';
import { finishGroup } from './group-outcomes.js';
import { memberOutcomeDeps, type GroupDeps, type GroupRun, type Member } from './group-run.js';
import { ReportQueue } from './report-queue.js';
import { StableDataWatch } from './stable-data.js';

export interface GroupPostDeps {
  members: GroupDeps['members'];
  holder: string;
  clock: Clock;
  reporter: GroupDeps['reporter'];
  log: Logger;
  persist?: (record: RolloutRecord) => void;
}

export async function finishGroupInterrupted(
  group: ReleaseGroup,
  saved: RolloutRecord | undefined,
  phase: string,
  deps: GroupPostDeps
): Promise<RolloutRecord> {
  const record = saved?.members ? saved : newGroupRecord(group, new Date(deps.clock.now()));
  const members: Member[] = group.members.map((m, index) => ({
    spec: m.spec,
    after: m.after,
    depth: m.depth,
    ports: deps.members[index],
    record: memberRecordOf(record, m.spec.release, group, deps.clock),
    lease: new CanaryLease(deps.members[index].marks, deps.members[index].deployer, () => deps.clock.now()),
    mayExist: true,
    stableData: new StableDataWatch()
  }));
  record.members = members.map((m) => m.record);
  const run: GroupRun = {
    record,
    members,
    clock: deps.clock,
    log: deps.log,
    reports: new ReportQueue(deps.reporter, deps.log),
    persist: () => deps.persist?.(record)
  };
  const during = phase === 'interrupted' ? '' : ` during ${phase}`;
  deps.log.warning(`The group's run was interrupted${during}: finishing every release, dependents first`);
  for (const member of [...members].reverse()) {
    if (member.record.decision && member.record.phase === 'done') continue; // finished before the kill
    // A verdict the group reached stands for the members it had not finished yet.
    if (record.pending) member.record.pending ??= record.pending;
    const memberPhase = member.record.phase === 'validating' ? phase : member.record.phase;
    await finishInterrupted(
      member.spec,
      member.record,
      memberPhase,
      deps.holder,
      memberOutcomeDeps(run, member)
    );
  }
  const decision = groupDecision(members.map((m) => m.record.decision));
  const reason = record.pending
    ? `${record.pending.reason} (finished by the post step)`
    : `The group's run was interrupted${during}; the post step finished every release`;
  record.pending = undefined;
  return finishGroup(run, decision, reason);
}

/** The members' decision when they agree; `failed` when they do not (some promoted, some not). */
export function groupDecision(decisions: (Decision | undefined)[]): Decision {
  const distinct = [...new Set(decisions)];
  return distinct.length === 1 && distinct[0] ? distinct[0] : 'failed';
}

function memberRecordOf(
  record: RolloutRecord,
  release: string,
  group: ReleaseGroup,
  clock: Clock
): MemberRecord {
  const found = record.members?.find((m) => m.release === release);
  if (found) return found;
  const fresh = newGroupRecord(group, new Date(clock.now())).members!;
  return fresh.find((m) => m.release === release)!;
}
