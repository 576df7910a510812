// Issue 4's targets, checked against the built-in scenarios' results (printed, never asserted in tests).
import type { ScenarioResult } from './aggregate.js';

export interface TargetCheck {
  target: string;
  measured: string;
  ok: boolean;
}

const fmt = (x: number | null, unit = ''): string => (x === null ? 'n/a' : `${Number(x.toFixed(3))}${unit}`);

export function checkTargets(
  results: readonly ScenarioResult[],
  runsByName: ReadonlyMap<string, number>
): TargetCheck[] {
  const find = (name: string): ScenarioResult | undefined => results.find((r) => r.name === name);
  const checks: TargetCheck[] = [];
  const aa = find('A/A');
  if (aa) {
    const rate = aa.judges.sequential.falseRollbackRate;
    const runs = runsByName.get('A/A') ?? 0;
    checks.push({
      target: 'A/A: false rollback rate <= 0.05 over >= 2000 runs',
      measured: `${fmt(rate)} over ${runs} runs`,
      ok: rate !== null && rate <= 0.05 && runs >= 2000
    });
  }
  const two = find('canary 2% errors');
  if (two) {
    const median = two.judges.sequential.medianDetectSeconds;
    const wald = two.waldBoundSeconds;
    const flagger = two.judges['flagger-5'].medianDetectSeconds;
    checks.push({
      target: 'canary 2%: median <= 1.6 x Wald bound',
      measured: `${fmt(median, ' s')} vs 1.6 x ${fmt(wald, ' s')} = ${fmt(wald === null ? null : 1.6 * wald, ' s')}`,
      ok: median !== null && wald !== null && median <= 1.6 * wald
    });
    checks.push({
      target: "canary 2%: median <= 1/3 of flagger-5's",
      measured: `${fmt(median, ' s')} vs ${fmt(flagger, ' s')} / 3`,
      ok: median !== null && (flagger === null || median <= flagger / 3)
    });
  }
  // "median under N s" for the sequential judge on one scenario.
  const medianUnder = (name: string, label: string, limit: number): void => {
    const result = find(name);
    if (!result) return;
    const median = result.judges.sequential.medianDetectSeconds;
    checks.push({
      target: `${label}: median < ${limit} s`,
      measured: fmt(median, ' s'),
      ok: median !== null && median < limit
    });
  };
  medianUnder('canary 5% errors', 'canary 5%', 20);
  medianUnder('latency x1.25', 'latency x1.25', 60);
  const incident = find('incident: both arms 3% for 5 min');
  if (incident) {
    const ours = incident.judges.sequential.falseRollbackRate;
    const f1 = incident.judges['flagger-1'].falseRollbackRate;
    const f5 = incident.judges['flagger-5'].falseRollbackRate;
    checks.push({
      target: 'incident in both arms: false rollback <= 0.05 while flagger-1 and flagger-5 fire',
      measured: `sequential ${fmt(ours)}, flagger-1 ${fmt(f1)}, flagger-5 ${fmt(f5)}`,
      ok: ours !== null && ours <= 0.05 && (f1 ?? 0) >= 0.5 && (f5 ?? 0) >= 0.5
    });
  }
  return checks;
}
