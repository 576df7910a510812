// One run of a scenario: draw the streams once, hand the same streams to every judge, and record
// when each rolled back (null: promoted or still running at the horizon) and the excess bad
// requests the canary served until then.
import { flaggerDetect } from './peers/flagger.js';
import { kayentaDetect } from './peers/kayenta.js';
import { Random, runSeed } from './random.js';
import { errorRatesAt, type Scenario } from './scenario.js';
import { sequentialDetect } from './sequential.js';
import { drawBaseline, drawStreams, type LatencyModel } from './streams.js';

export const JUDGES = ['sequential', 'flagger-1', 'flagger-5', 'kayenta'] as const;
export type JudgeId = (typeof JUDGES)[number];

export interface RunOutcome {
  /** Rollback second per judge, or null. */
  detect: Record<JudgeId, number | null>;
  /** Expected extra canary errors served before each judge's rollback (or the horizon). */
  excess: Record<JudgeId, number>;
}

export function simulateRun(s: Scenario, model: LatencyModel, run: number): RunOutcome {
  const rng = new Random(runSeed(s.seed, run));
  const baseline = drawBaseline(s, model, rng);
  const st = drawStreams(s, model, rng);
  // Stable's errors over the baseline's requests, drawn after the streams so that these stay the
  // same streams as before the errors baseline existed.
  const baselineErrors = {
    bad: rng.binomial(baseline.count, errorRatesAt(s, 0).stable),
    total: baseline.count
  };
  const detect: Record<JudgeId, number | null> = {
    sequential: sequentialDetect(st, s, baseline, baselineErrors),
    'flagger-1': flaggerDetect(st, s, 1),
    'flagger-5': flaggerDetect(st, s, 5),
    kayenta: kayentaDetect(st, s)
  };
  const excess = {} as Record<JudgeId, number>;
  for (const judge of JUDGES) {
    const until = Math.min(detect[judge] ?? s.horizonSeconds, s.horizonSeconds);
    excess[judge] = st.excessPrefix[until];
  }
  return { detect, excess };
}
