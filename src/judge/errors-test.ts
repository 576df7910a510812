// The errors metric's e-process: an average of a grid mixture over canary/stable ratios (including
// "errors only on the canary") and a predictable plug-in of the ratio. Every part is an e-process for
// the same ticks, so their average is one (docs/judge.md). Where the test is sharpest follows what the
// rollout can confirm at all: given the traffic, stable's error rate and the planned steps, ratios too
// small to be confirmed within the plan get no weight, and the plug-in bets from a multiple of the
// smallest ratio that can. The weights were chosen with bench/tune-errors.ts on the benchmark's error
// classes, not by hand.
import { AverageEProcess } from './average-eprocess.js';
import { canaryOnlyShare } from './baseline-prior.js';
import { CANARY_ONLY, CountEProcess, type CountTest } from './count-eprocess.js';
import { smallestDetectableRatio, type ErrorsOutlook } from './detectable-ratio.js';
import { PluginCountEProcess, type PluginOptions } from './plugin-eprocess.js';

/** Canary-to-stable error ratios the mixture weighs; CANARY_ONLY is "stable has no errors at all". */
export const ERRORS_GRID: readonly number[] = [2, 3, 5, 10, 30, 100, CANARY_ONLY];
/**
 * The grid part's weights (normalised): nearly all on 2x and 3x, the ratios that take longest to
 * confirm at ordinary traffic, where the plug-in has not learnt the ratio yet when the test could stop.
 */
export const ERRORS_GRID_WEIGHTS: readonly number[] = [15, 13, 1, 1, 0.5, 0.5, 0.5];
/** The plug-in's share of the average (the grid mixture has the rest). */
export const ERRORS_PLUGIN_SHARE = 0.69;
/** The plug-in without an outlook (and its prior's weight and ceiling with one). */
export const ERRORS_PLUGIN: PluginOptions = { priorRatio: 5, priorEvents: 2, maxRatio: 100 };
/**
 * With an outlook, the plug-in's first bet is this multiple of the smallest ratio the plan can
 * confirm: about 5x at 50 rps, a 20% canary and 0.5% errors over 30 minutes, 10x at a 1% canary,
 * 16x at 1 rps, 45x when stable had no error in 30,000 requests before the canary.
 */
export const PLUGIN_PRIOR_FACTOR = 4;

/** Whether grid ratio r keeps its weight when the plan confirms `smallest` or worse (CANARY_ONLY always). */
export function isConfirmable(r: number, smallest: number): boolean {
  return r === CANARY_ONLY || r >= smallest;
}

/** The plug-in's first bet for a plan that confirms `smallest` or worse: `factor` times it, within [1, its ceiling]. */
export function pluginPriorRatio(smallest: number, factor = PLUGIN_PRIOR_FACTOR): number {
  return Math.min(ERRORS_PLUGIN.maxRatio, Math.max(1, factor * smallest));
}

/** The mixture the errors test is made of: grid ratios and weights, and the plug-in. */
export interface ErrorsTestDesign {
  grid: number[];
  gridWeights: number[];
  plugin: PluginOptions;
  pluginShare: number;
  /** The smallest ratio the plan can confirm (with an outlook): what the report shows. */
  smallestDetectableRatio?: number;
}

/**
 * The design for an outlook (or the fixed one without). Grid ratios below the smallest the plan can
 * confirm are left out: the test that knew the ratio could not confirm them before the plan ends,
 * so weight there is never collected. CANARY_ONLY is always kept.
 */
export function designErrorsTest(outlook?: ErrorsOutlook | null): ErrorsTestDesign {
  if (!outlook)
    return {
      grid: [...ERRORS_GRID],
      gridWeights: [...ERRORS_GRID_WEIGHTS],
      plugin: ERRORS_PLUGIN,
      pluginShare: ERRORS_PLUGIN_SHARE
    };
  const smallest = smallestDetectableRatio(outlook);
  const kept = ERRORS_GRID.map((r, j) => ({ r, w: ERRORS_GRID_WEIGHTS[j] })).filter(({ r }) =>
    isConfirmable(r, smallest)
  );
  return {
    grid: kept.map(({ r }) => r),
    gridWeights: kept.map(({ w }) => w),
    plugin: { ...ERRORS_PLUGIN, priorRatio: pluginPriorRatio(smallest) },
    pluginShare: ERRORS_PLUGIN_SHARE,
    smallestDetectableRatio: smallest
  };
}

/**
 * The errors test. `baseline` is stable's record before the canary existed (cumulative bad and total
 * events): when it is clean, canaryOnlyShare of the test is moved onto "only the canary errs" before
 * the first tick, so a new error the old version never threw is caught at the fewest canary errors
 * the threshold allows. `outlook` shapes the mixture (designErrorsTest). Both are fixed before the
 * test is fed a split of errors between the arms, so it stays an e-process (docs/judge.md).
 */
export function createErrorsTest(
  baseline?: { bad: number; total: number } | null,
  outlook?: ErrorsOutlook | null
): CountTest {
  return buildErrorsTest(designErrorsTest(outlook), baseline);
}

/** The errors test of a design (createErrorsTest, when the design is needed too). */
export function buildErrorsTest(
  design: ErrorsTestDesign,
  baseline?: { bad: number; total: number } | null
): CountTest {
  const mixture = new AverageEProcess(
    [new CountEProcess(design.grid, design.gridWeights), new PluginCountEProcess(design.plugin)],
    [1 - design.pluginShare, design.pluginShare]
  );
  const share = canaryOnlyShare(baseline);
  if (!(share > 0)) return mixture;
  return new AverageEProcess([mixture, new CountEProcess([CANARY_ONLY])], [1 - share, share]);
}
