// Issues 4 and 14's targets, checked against the built-in scenarios' results (printed, never
// asserted in tests).
import { wilsonInterval } from '../src/judge/guards.js';
import type { ScenarioResult } from './aggregate.js';
import { hasRegression, type Scenario } from './scenario.js';
import { flooredBound, ratioToBound } from './table.js';

export interface TargetCheck {
  target: string;
  measured: string;
  ok: boolean;
}

const fmt = (x: number | null, unit = ''): string => (x === null ? 'n/a' : `${Number(x.toFixed(3))}${unit}`);

/** The most the median time to detect may be, in multiples of max(Wald, one tick) (issue 14). */
export const MAX_RATIO_TO_BOUND = 1.3;

export function checkTargets(
  results: readonly ScenarioResult[],
  runsByName: ReadonlyMap<string, number>,
  scenarios: readonly Scenario[] = []
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
  // Issue 14: every error regression within 1.3 x its floored bound, every A/A class within alpha.
  for (const scenario of scenarios) {
    const result = find(scenario.name);
    if (!result) continue;
    const ours = result.judges.sequential;
    if (hasRegression(scenario) && result.waldBoundSeconds !== null) {
      const ratio = ratioToBound(ours.medianDetectSeconds, result.waldBoundSeconds);
      const limit = MAX_RATIO_TO_BOUND * (flooredBound(result.waldBoundSeconds) ?? 0);
      checks.push({
        target: `${scenario.name}: median <= ${MAX_RATIO_TO_BOUND} x max(Wald, one tick)`,
        measured: `${fmt(ours.medianDetectSeconds, ' s')} vs ${fmt(limit, ' s')} (ratio ${fmt(ratio)})`,
        ok: ratio !== null && ratio <= MAX_RATIO_TO_BOUND
      });
    } else if (!hasRegression(scenario) && ours.falseRollbackRate !== null) {
      const runs = runsByName.get(scenario.name) ?? 0;
      const upper = wilsonInterval(Math.round(ours.falseRollbackRate * runs), runs, 1.96).upper;
      checks.push({
        target: `${scenario.name}: false rollback rate <= alpha ${scenario.alpha}`,
        measured: `${fmt(ours.falseRollbackRate)} over ${runs} runs (95% CI upper ${fmt(upper)})`,
        ok: ours.falseRollbackRate <= scenario.alpha
      });
    }
  }
  return checks;
}
