// The errors metric's e-process: an average of a grid mixture over canary/stable ratios (including
// "errors only on the canary") and predictable plug-ins of the ratio. Every part is an e-process for
// the same ticks, so their average is one (docs/judge.md). The weights were chosen with
// bench/tune-errors.ts on the benchmark's error classes, not by hand.
import { AverageEProcess } from './average-eprocess.js';
import { canaryOnlyShare } from './baseline-prior.js';
import { CANARY_ONLY, CountEProcess, type CountTest } from './count-eprocess.js';
import { PluginCountEProcess, type PluginOptions } from './plugin-eprocess.js';

/** Canary-to-stable error ratios the mixture weighs; CANARY_ONLY is "stable has no errors at all". */
export const ERRORS_GRID: readonly number[] = [2, 3, 5, 10, 30, 100, CANARY_ONLY];
/**
 * The grid part's weights (normalised): most on 2x and 10x, a seventh on "only the canary errs"
 * (which keeps the zero baseline at its earliest possible rollback, docs/judge.md).
 */
export const ERRORS_GRID_WEIGHTS: readonly number[] = [2.4, 1.4, 0.4, 1.75, 0.1, 0.35, 1.1];
/** Plug-ins and their shares of the average (the grid mixture has the rest). */
export const ERRORS_PLUGINS: ReadonlyArray<{ options: PluginOptions; share: number }> = [
  { options: { priorRatio: 5, priorEvents: 2, maxRatio: 100 }, share: 0.62 }
];

/**
 * The errors test. `baseline` is stable's record before the canary existed (cumulative bad and total
 * events): when it is clean, canaryOnlyShare of the test is moved onto "only the canary errs" before
 * the first tick, so a new error the old version never threw is caught at the fewest canary errors
 * the threshold allows. A choice made from pre-rollout data only, so the test stays an e-process.
 */
export function createErrorsTest(baseline?: { bad: number; total: number } | null): CountTest {
  const pluginShare = ERRORS_PLUGINS.reduce((sum, p) => sum + p.share, 0);
  const mixture = new AverageEProcess(
    [
      new CountEProcess(ERRORS_GRID, ERRORS_GRID_WEIGHTS),
      ...ERRORS_PLUGINS.map((p) => new PluginCountEProcess(p.options))
    ],
    [1 - pluginShare, ...ERRORS_PLUGINS.map((p) => p.share)]
  );
  const share = canaryOnlyShare(baseline);
  if (!(share > 0)) return mixture;
  return new AverageEProcess([mixture, new CountEProcess([CANARY_ONLY])], [1 - share, share]);
}
