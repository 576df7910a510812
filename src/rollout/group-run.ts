// The state of a release group's run, shared by the group engine (group-engine.ts) and its outcomes
// (group-outcomes.ts): one entry per release with its ports, its own record and its lease.
import type { Clock } from '../clock.js';
import type { RolloutSpec } from '../config/spec.js';
import type { EngineDeps, Logger } from './ports.js';
import type { MemberRecord, RolloutRecord } from './record.js';
import type { CanaryLease } from './lock.js';
import type { OutcomeDeps } from './outcomes.js';
import type { ReportQueue } from './report-queue.js';
import type { StableDataWatch } from './stable-data.js';

/** What the engine needs from the world for one release of the group. */
export type MemberPorts = Pick<
  EngineDeps,
  'deployer' | 'router' | 'marks' | 'sampler' | 'judge' | 'preflight'
>;

export interface GroupDeps {
  /** One per member, in the group's order (ReleaseGroup.members). */
  members: MemberPorts[];
  clock: Clock;
  reporter: EngineDeps['reporter'];
  log: Logger;
  signal?: AbortSignal;
  /** Called at every phase change and tick with the group's record (main saves state and the report file). */
  persist?: (record: RolloutRecord) => void;
}

export interface Member {
  spec: RolloutSpec;
  after: string[];
  depth: number;
  ports: MemberPorts;
  record: MemberRecord;
  lease: CanaryLease;
  /** The canary release may exist (an install was tried, or it was there already). */
  mayExist: boolean;
  stableData: StableDataWatch;
}

export interface GroupRun {
  /** The group's record; `members` holds the members' records. */
  record: RolloutRecord;
  /** In dependency order (backends first). */
  members: Member[];
  clock: Clock;
  log: Logger;
  reports: ReportQueue;
  persist(): void;
}

/** The member's deps for outcomes.ts: its own deployer, router and lease; the group saves and reports. */
export function memberOutcomeDeps(run: GroupRun, member: Member): OutcomeDeps {
  return {
    deployer: member.ports.deployer,
    router: member.ports.router,
    clock: run.clock,
    log: run.log,
    lock: member.lease,
    persist: () => run.persist(),
    // The group reports once, with every member's section, when the group's record is finished.
    report: async () => {}
  };
}
