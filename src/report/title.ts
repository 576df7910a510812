// The check run's title: one line that says it all. Pure.
import type { MetricEvidence } from '../judge/types.js';
import type { RolloutRecord } from '../rollout/record.js';
import { formatDuration, formatValue } from '../format.js';
import {
  canaryRemoved,
  decidingMetric,
  lastStep,
  oneLine,
  secondsElapsed,
  secondsToDecision,
  stepPosition,
  weightAtDecision
} from './record-facts.js';

/** `5xx rate 4.1% vs 0.4% on stable`, or `p95 latency 1.4 s above guard 1 s`. */
export function metricHeadline(m: MetricEvidence): string {
  if (m.guard?.breached) {
    const side = m.guard.comparator === '<=' ? 'above' : 'below';
    return `${m.title} ${formatValue(m.canary, m.unit)} ${side} guard ${formatValue(m.guard.limit, m.unit)}`;
  }
  if (m.status === 'no-data') return `${m.title}: no data on ${m.canary === null ? 'canary' : 'stable'}`;
  return `${m.title} ${formatValue(m.canary, m.unit)} vs ${formatValue(m.stable, m.unit)} on stable`;
}

export function renderTitle(record: RolloutRecord): string {
  const at = weightAtDecision(record);
  switch (record.decision) {
    case 'promoted': {
      if (record.incomplete) {
        return `Promoted ${record.version}, but ${record.canaryRelease} still holds ${record.finalWeight}%: remove it with command: rollback`;
      }
      if (record.command === 'promote') return `Promoted ${record.version} to 100% by hand`;
      const n = record.stepRecords.length || record.steps.length;
      const took = formatDuration(secondsElapsed(record));
      return `Promoted ${record.version} to 100% after ${n} step${n === 1 ? '' : 's'} (${took})`;
    }
    case 'rolled-back': {
      const m = decidingMetric(record);
      const why = m ? metricHeadline(m) : oneLine(record.reason, 120);
      // Time at the weight that failed: what a reader compares with the step's soak.
      const soaked = lastStep(record)?.soakedSeconds ?? secondsToDecision(record);
      const head = `Rolled back at ${at}% after ${formatDuration(soaked)}`;
      return why ? `${head}: ${why}` : head;
    }
    case 'failed': {
      const why = oneLine(record.reason, 120);
      if (record.nothingDeployed)
        return why ? `Failed before anything was deployed: ${why}` : 'Failed before anything was deployed';
      const head = `Failed at ${at}%${canaryRemoved(record) ? ', canary removed' : ''}`;
      return why ? `${head}: ${why}` : head;
    }
    case 'paused':
      return `Paused at ${record.currentWeight}% for approval`;
    case 'cancelled':
      return `Cancelled at ${at}%; ${canaryRemoved(record) ? 'canary removed' : `canary left at ${record.currentWeight}%`}`;
    case 'none':
      return record.reason ? `Nothing to do: ${oneLine(record.reason, 120)}` : 'Nothing to do';
    case 'installed':
      return `Installed ${record.version} as the first release of ${record.release} (no stable to canary against; not canaried)`;
    case 'refused':
      return record.reason
        ? `Refused: ${oneLine(record.reason.replace(/^Refused:\s*/, ''), 120)}`
        : 'Refused';
    case undefined:
      return inProgressTitle(record);
  }
}

function inProgressTitle(record: RolloutRecord): string {
  const { step, of } = stepPosition(record);
  switch (record.phase) {
    case 'validating':
      return `Validating the rollout of ${record.version}`;
    case 'deploying':
      return step === 0
        ? `Deploying canary ${record.version}`
        : `Canary at ${record.currentWeight}%, step ${step} of ${of} (moving traffic)`;
    case 'promoting':
      return `Promoting ${record.version} to 100%`;
    case 'installing':
      return `Installing ${record.version} as the first release of ${record.release}`;
    case 'rolling-back':
      return `Rolling back from ${weightAtDecision(record)}%${record.reason ? `: ${oneLine(record.reason, 120)}` : ''}`;
    case 'paused':
      return `Paused at ${record.currentWeight}% for approval`;
    default:
      return `Canary at ${record.currentWeight}%, step ${Math.max(step, 1)} of ${of}`;
  }
}
