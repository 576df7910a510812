// The `releases` output: one line per release of the run (each member of a group, or the single
// release), with what it ended as. JSON, so a later job or a demo scenario can read it.
import type { ReleaseOutcome, RolloutRecord } from '../rollout/record.js';

export function releaseOutcomes(record: RolloutRecord): ReleaseOutcome[] {
  return (record.members ?? [record]).map((r) => ({
    release: r.release,
    canaryRelease: r.canaryRelease,
    version: r.version,
    decision: r.decision ?? '',
    reason: r.reason ?? '',
    finalWeight: r.finalWeight,
    previousRevision: r.previousRevision ?? null
  }));
}
