// A first release: `deploy` found no stable release, so there is nothing to canary against and no
// stable to promote later. The chart is installed directly as stable, at the new version, and the
// decision is `installed` (said so in the check run, summary and outputs: it was not canaried).
// `first-release: refuse` turns that off: refused before anything changes. The lease beside the
// canary is taken first, so two first releases that race cannot both install. The outcome goes
// through outcomes.ts, which reads stable back: `installed` only if it is deployed at the version.
import type { RolloutSpec } from '../config/spec.js';
import type { EngineDeps } from './ports.js';
import type { RolloutRecord } from './record.js';
import type { CanaryLease } from './lock.js';
import { addEvent, newRecord, setPhase } from './record-builder.js';
import { finishRecord, type OutcomeDeps } from './outcomes.js';
import { errorMessage } from '../error-message.js';

export async function installFirstRelease(
  spec: RolloutSpec,
  deps: Pick<EngineDeps, 'deployer' | 'clock' | 'log' | 'persist'>,
  outcome: OutcomeDeps,
  lease: CanaryLease,
  marks: Record<string, string>
): Promise<RolloutRecord> {
  const now = (): Date => new Date(deps.clock.now());
  const record = newRecord(spec, now());
  const where = `${spec.release} has no deployed release in namespace ${spec.namespace}`;
  if (spec.firstRelease === 'refuse') {
    return finishRecord(
      record,
      {
        decision: 'refused',
        reason:
          `Refused: ${where}, and input \`first-release\` is \`refuse\`. Install it first, or set ` +
          `\`first-release: install\` to install ${spec.version} directly as stable. Nothing was changed.`,
        finalWeight: 0
      },
      outcome
    );
  }

  const taken = await lease.take(marks);
  if (!taken.acquired) {
    return finishRecord(
      record,
      { decision: 'refused', reason: `Refused: ${taken.reason}. Nothing was changed.`, finalWeight: 0 },
      outcome
    );
  }
  setPhase(record, 'installing');
  const message = `First release: ${where}; installing ${spec.version} directly as stable (not canaried)`;
  addEvent(record, now(), 'install-stable', message);
  deps.log.info(message);
  save(record, deps);
  let installError: unknown;
  try {
    await deps.deployer.installStable();
  } catch (error) {
    installError = error ?? new Error('the install failed');
  }
  return finishRecord(
    record,
    {
      decision: 'installed',
      firstRelease: true,
      installError,
      reason: `First release: ${spec.release} had no deployed release in namespace ${spec.namespace}, so ${spec.version} was installed directly as stable, not canaried`
    },
    outcome
  );
}

function save(record: RolloutRecord, deps: Pick<EngineDeps, 'persist' | 'log'>): void {
  try {
    deps.persist?.(record);
  } catch (error) {
    deps.log.warning(`Could not save the rollout state: ${errorMessage(error)}`);
  }
}
