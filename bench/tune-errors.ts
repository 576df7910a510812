// Tuning aid for the errors test (not part of `npm run bench`). It draws per-tick error counts for
// the built-in error scenarios once (common random numbers), records the log e-value path of every
// candidate component (each grid ratio alone, each plug-in variant), and scores weightings of them:
// an average of e-processes is an e-process, so any non-negative weights keep the test valid. A
// class's score is the share of runs caught by 1.3 x max(Wald, one tick), next to the best single
// component's share (about what a test that knew the ratio could do). Usage:
//   npx tsx bench/tune-errors.ts [--runs N] [--stream-seed S] [--alpha-fraction F] [--search N]
//                                [--tick SECONDS] [--singles] [--fixed] [--prior-factor K]
//                                [--baseline-prior] [--objective-goal | --objective-margin]
//                                [--compare FILE.json]
import { readFileSync } from 'node:fs';
import { splitAlpha } from '../src/judge/alpha.js';
import { canaryOnlyShare, MAX_CANARY_ONLY_SHARE } from '../src/judge/baseline-prior.js';
import { CANARY_ONLY, CountEProcess, type CountTest } from '../src/judge/count-eprocess.js';
import {
  ERRORS_GRID,
  ERRORS_GRID_WEIGHTS,
  ERRORS_PLUGIN,
  ERRORS_PLUGIN_SHARE,
  isConfirmable,
  PLUGIN_PRIOR_FACTOR,
  pluginPriorRatio
} from '../src/judge/errors-test.js';
import { logSumExp, normalCdf } from '../src/judge/math.js';
import { PluginCountEProcess, type PluginOptions } from '../src/judge/plugin-eprocess.js';
import { jeffreysRate, smallestDetectableRatio, type ErrorsOutlook } from '../src/judge/detectable-ratio.js';
import { BUILT_IN_SCENARIOS } from './builtin.js';
import { Random, runSeed } from './random.js';
import {
  errorRatesAt,
  hasRegression,
  normalizeScenario,
  scenarioPlan,
  weightAt,
  type Scenario
} from './scenario.js';
import { benchAnalysis, TICK_SECONDS } from './sequential.js';
import { scenarioWaldBound } from './wald.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = flag('--runs', 300);
/** --objective-goal: search for the most classes meeting the goal, not the best worst class. */
const GOAL_OBJECTIVE = args.includes('--objective-goal');
/** --objective-margin: search for the widest margin over the goal in the thinnest class. */
const MARGIN_OBJECTIVE = args.includes('--objective-margin');
const SEARCH = flag('--search', 0);
const STREAM_SEED = flag('--stream-seed', 7919);
/** Seconds per tick; the benchmark's judge looks every TICK_SECONDS (10 s, the action's default is 30 s). */
const TICK = flag('--tick', TICK_SECONDS);
/** The errors test's share of alpha in the benchmark's analysis (5xx + latency), unless given. */
const ALPHA_FRACTION = flag(
  '--alpha-fraction',
  splitAlpha(benchAnalysis(1)).perMetric.get('error-rate') ?? 1
);

const PLUGINS: PluginOptions[] = [];
for (const priorRatio of [3, 5, 10, 30])
  for (const priorEvents of [0.5, 2])
    for (const maxRatio of [100, 1000]) PLUGINS.push({ priorRatio, priorEvents, maxRatio });
// As the judge does, the design follows each class's plan (designErrorsTest): grid ratios below the
// smallest the plan can confirm get nothing, the plug-in bets from a multiple of it, so draw a fine
// ladder of plug-in priors. --fixed scores the weights as they are, as without a plan.
const PLANNED = !args.includes('--fixed');
const PRIOR_FACTOR = flag('--prior-factor', PLUGIN_PRIOR_FACTOR);
if (PLANNED)
  for (const priorRatio of [2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100])
    if (!PLUGINS.some((q) => q.priorRatio === priorRatio && q.priorEvents === 2 && q.maxRatio === 100))
      PLUGINS.push({ priorRatio, priorEvents: 2, maxRatio: 100 });
if (!PLUGINS.some((q) => JSON.stringify(q) === JSON.stringify(ERRORS_PLUGIN))) PLUGINS.push(ERRORS_PLUGIN);

/** Candidate grid ratios: the shipped grid plus ratios it dropped, so they can be weighed again. */
const CANDIDATE_RATIOS: readonly number[] = [...new Set([1.5, 4, 7, ...ERRORS_GRID])].sort((a, b) => a - b);

const COMPONENTS: Array<{ label: string; make: () => CountTest }> = [
  ...CANDIDATE_RATIOS.map((r) => ({ label: `r=${r}`, make: () => new CountEProcess([r]) })),
  ...PLUGINS.map((o) => ({
    label: `plug-in ${o.priorRatio}/${o.priorEvents}/${o.maxRatio}`,
    make: () => new PluginCountEProcess(o)
  })),
  // The errors test before issue 14, for comparison: {"grid": [], "old": 1} in a --compare file.
  { label: 'old grid 1.25-10', make: () => new CountEProcess() }
];
const OLD_GRID_INDEX = COMPONENTS.length - 1;
const GRID_COUNT = CANDIDATE_RATIOS.length;

interface ClassPaths {
  name: string;
  ticks: number;
  bound: number;
  targetTick: number;
  /** [run][component] log e-value after each tick. */
  paths: Float64Array[][];
  /** [run] stable's baseline (10 minutes of all traffic before the canary, as in the benchmark). */
  baselines: Array<{ bad: number; total: number }>;
  /** The smallest ratio the class's plan can confirm, from its true parameters (the judge estimates them). */
  rLo: number;
}

/** The class's plan as the judge sees it: its ladder's steps up to the horizon. */
function outlookOf(s: Scenario, alphaFraction: number): ErrorsOutlook {
  // A clean baseline (10 minutes of traffic) reads as the judge estimates it.
  const stableRate = s.errors.stable > 0 ? s.errors.stable : jeffreysRate(0, s.rps * 600);
  return {
    requestsPerSecond: s.rps,
    stableRate,
    plan: scenarioPlan(s),
    logThreshold: Math.log(1 / (s.alpha * alphaFraction))
  };
}

function drawPaths(s: Scenario): ClassPaths {
  const ticks = Math.floor(s.horizonSeconds / TICK);
  const bound = Math.max(scenarioWaldBound(s) ?? 0, TICK);
  const paths: Float64Array[][] = [];
  const baselines: Array<{ bad: number; total: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    const rng = new Random(runSeed(s.seed + STREAM_SEED, run));
    const comps = COMPONENTS.map((c) => ({ test: c.make(), path: new Float64Array(ticks) }));
    for (let k = 0; k < ticks; k++) {
      const w = weightAt(s, k * TICK);
      const p = errorRatesAt(s, k * TICK);
      const nc = rng.poisson(s.rps * w * TICK);
      const ns = rng.poisson(s.rps * (1 - w) * TICK);
      const ec = rng.binomial(nc, p.canary);
      const es = rng.binomial(ns, p.stable);
      for (const c of comps) {
        if (nc + ns > 0) c.test.update(ec, es, nc / (nc + ns));
        c.path[k] = c.test.logEValue;
      }
    }
    paths.push(comps.map((c) => c.path));
    // Drawn after the ticks, so that the paths are the same with or without it.
    const total = rng.poisson(s.rps * 600);
    baselines.push({ bad: rng.binomial(total, errorRatesAt(s, 0).stable), total });
  }
  return {
    name: s.name,
    ticks,
    bound,
    targetTick: Math.floor((1.3 * bound) / TICK + 1e-9),
    paths,
    baselines,
    rLo: smallestDetectableRatio(outlookOf(s, ALPHA_FRACTION))
  };
}

/** Weights over COMPONENTS (any non-negative numbers; normalised here). */
type Weights = number[];

/** --baseline-prior: move canaryOnlyShare(stable's baseline) of the weight onto r = Infinity per run. */
const BASELINE_PRIOR = args.includes('--baseline-prior');
/** --canary-only-max F: the most canaryOnlyShare may move (default: the shipped MAX_CANARY_ONLY_SHARE). */
const CANARY_ONLY_MAX = flag('--canary-only-max', MAX_CANARY_ONLY_SHARE);
const CANARY_ONLY_INDEX = CANDIDATE_RATIOS.indexOf(CANARY_ONLY);

function detectTicks(
  c: ClassPaths,
  weights: Weights,
  alphaFraction: number,
  prior = BASELINE_PRIOR,
  planned = PLANNED
): number[] {
  if (planned) weights = plannedWeights(c, weights);
  const total = weights.reduce((a, b) => a + b, 0);
  const threshold = Math.log(1 / (0.05 * alphaFraction));
  return c.paths.map((comps, run) => {
    const share = prior ? canaryOnlyShare(c.baselines[run], CANARY_ONLY_MAX) : 0;
    const mixed = weights.map((w, j) => (1 - share) * (w / total) + (j === CANARY_ONLY_INDEX ? share : 0));
    const used = mixed.map((w, j) => [Math.log(w), j] as const).filter(([lw]) => lw > -Infinity);
    const terms = new Array<number>(used.length);
    for (let k = 0; k < c.ticks; k++) {
      for (let i = 0; i < used.length; i++) terms[i] = used[i][0] + comps[used[i][1]][k];
      if (logSumExp(terms) >= threshold) return k + 1;
    }
    return Infinity;
  });
}

/** designErrorsTest's rule: grid ratios the plan cannot confirm get nothing; plug-ins bet from PRIOR_FACTOR x rLo. */
function plannedWeights(c: ClassPaths, weights: Weights): Weights {
  const out = weights.map((w, j) => (j < GRID_COUNT && !isConfirmable(CANDIDATE_RATIOS[j], c.rLo) ? 0 : w));
  const prior = pluginPriorRatio(c.rLo, PRIOR_FACTOR);
  PLUGINS.forEach((o, i) => {
    const j = GRID_COUNT + i;
    if (!(out[j] > 0) || o.priorEvents !== 2 || o.maxRatio !== 100) return;
    // The drawn variant with the nearest prior (in log terms) takes this plug-in's weight.
    let best = i;
    PLUGINS.forEach((q, k) => {
      if (q.priorEvents !== 2 || q.maxRatio !== 100) return;
      if (Math.abs(Math.log(q.priorRatio / prior)) < Math.abs(Math.log(PLUGINS[best].priorRatio / prior)))
        best = k;
    });
    if (best === i) return;
    out[GRID_COUNT + best] += out[j];
    out[j] = 0;
  });
  return out;
}

const caughtShare = (c: ClassPaths, t: number[]): number =>
  t.filter((x) => x <= c.targetTick).length / t.length;
const oracleCache = new Map<string, number>();
/** The best single component's share caught by the target (one weight on it, none elsewhere). */
function oracle(c: ClassPaths, alphaFraction: number): number {
  const key = `${c.name}@${alphaFraction}`;
  if (!oracleCache.has(key)) {
    let best = 0;
    COMPONENTS.forEach((_, j) => {
      if (j === OLD_GRID_INDEX) return; // a mixture, not a single ratio
      const single = COMPONENTS.map((__, i) => (i === j ? 1 : 0));
      best = Math.max(best, caughtShare(c, detectTicks(c, single, alphaFraction, false, false)));
    });
    oracleCache.set(key, best);
  }
  return oracleCache.get(key)!;
}

function score(classes: ClassPaths[], weights: Weights, alphaFraction: number) {
  const rows = classes.map((c) => {
    const t = detectTicks(c, weights, alphaFraction).sort((a, b) => a - b);
    const median = t[Math.ceil(t.length / 2) - 1] * TICK;
    return {
      name: c.name,
      caught: caughtShare(c, t),
      best: oracle(c, alphaFraction),
      bestWholeAlpha: oracle(c, 1),
      median,
      ratio: median / c.bound
    };
  });
  if (MARGIN_OBJECTIVE) {
    // The thinnest margin over the goal decides (caught share above 50%); the mean breaks ties.
    const margins = rows.map((r) => r.caught - 0.5);
    return {
      rows,
      objective: Math.min(...margins) + 0.1 * (margins.reduce((a, b) => a + b, 0) / margins.length)
    };
  }
  if (GOAL_OBJECTIVE) {
    // A smooth count of classes meeting the goal: sum of P(caught share > 50%) under its sampling error.
    const se = Math.sqrt(0.25 / RUNS);
    return { rows, objective: rows.reduce((sum, r) => sum + normalCdf((r.caught - 0.5) / se), 0) };
  }
  // The worst class decides (relative to its best single component); the mean breaks ties.
  const rel = rows.map((r) => r.caught / r.best);
  return { rows, objective: Math.min(...rel) + 0.1 * (rel.reduce((a, b) => a + b, 0) / rel.length) };
}

const scenarios = BUILT_IN_SCENARIOS.map((s, i) => normalizeScenario(s, i)).filter(
  (s) => s.alpha === 0.05 && hasRegression(s) && s.errors.canary > s.errors.stable
);
const started = Date.now();
const classes = scenarios.map(drawPaths);
process.stderr.write(
  `drew ${RUNS} runs of ${classes.length} classes in ${(Date.now() - started) / 1000} s\n`
);

function show(label: string, weights: Weights, alphaFraction = ALPHA_FRACTION): void {
  const total = weights.reduce((a, b) => a + b, 0);
  const named = COMPONENTS.map((c, j) => [c.label, weights[j] / total] as const).filter(
    ([, w]) => w > 0.0005
  );
  console.log(`${label} (errors alpha ${alphaFraction.toFixed(3)} x alpha):`);
  console.log(`  weights: ${named.map(([l, w]) => `${l} ${w.toFixed(3)}`).join(', ')}`);
  for (const row of score(classes, weights, alphaFraction).rows)
    console.log(
      `  ${row.name.padEnd(38)} caught by 1.3 x bound ${(row.caught * 100).toFixed(1)}% ` +
        `(best single component ${(row.best * 100).toFixed(1)}%, with all of alpha ${(row.bestWholeAlpha * 100).toFixed(1)}%), ` +
        `median ${row.median} s, ratio ${row.ratio.toFixed(2)}`
    );
}

const pluginIndex = (o: PluginOptions): number =>
  GRID_COUNT + PLUGINS.findIndex((p) => JSON.stringify(p) === JSON.stringify(o));
/** The shipped default as component weights: the grid part's share spread by its weights. */
function defaultWeights(): Weights {
  const w = COMPONENTS.map(() => 0);
  const pluginShare = ERRORS_PLUGIN_SHARE;
  const gridTotal = ERRORS_GRID_WEIGHTS.reduce((a, b) => a + b, 0);
  ERRORS_GRID_WEIGHTS.forEach(
    (x, j) => (w[CANDIDATE_RATIOS.indexOf(ERRORS_GRID[j])] = ((1 - pluginShare) * x) / gridTotal)
  );
  w[pluginIndex(ERRORS_PLUGIN)] += pluginShare;
  return w;
}
show('shipped default', defaultWeights());

if (args.includes('--singles')) {
  // Each component alone: the share of runs it catches by the target, per class.
  console.log(
    `each component alone (errors alpha ${ALPHA_FRACTION.toFixed(3)} x alpha), caught by 1.3 x bound:`
  );
  COMPONENTS.forEach((c, j) => {
    const single = COMPONENTS.map((_, i) => (i === j ? 1 : 0));
    const shares = classes.map(
      (k) => `${(caughtShare(k, detectTicks(k, single, ALPHA_FRACTION)) * 100).toFixed(1)}`
    );
    console.log(`  ${c.label.padEnd(24)} ${shares.join('  ')}`);
  });
}

const compareAt = args.indexOf('--compare');
if (compareAt >= 0) {
  // [{"label", "grid": [weights per CANDIDATE_RATIOS ratio, 1.5 first], "plugins": [{"options", "weight"}], "alphaFraction"?}]
  const list = JSON.parse(readFileSync(args[compareAt + 1], 'utf8')) as Array<{
    label: string;
    grid: number[];
    plugins?: Array<{ options: PluginOptions; weight: number }>;
    old?: number;
    alphaFraction?: number;
  }>;
  for (const c of list) {
    const w = COMPONENTS.map((_, j) => (j < GRID_COUNT ? (c.grid[j] ?? 0) : 0));
    for (const p of c.plugins ?? []) {
      const j = pluginIndex(p.options);
      if (j < GRID_COUNT) throw new Error(`${c.label}: plug-in ${JSON.stringify(p.options)} is not drawn`);
      w[j] += p.weight;
    }
    w[OLD_GRID_INDEX] += c.old ?? 0;
    show(c.label, w, c.alphaFraction);
  }
}

if (SEARCH > 0) {
  // Coordinate search on log-weights from the shipped default: each step scales one component.
  const rng = new Random(flag('--seed', 12345));
  let best = defaultWeights().map((w) => Math.max(w, 1e-4));
  let bestScore = score(classes, best, ALPHA_FRACTION).objective;
  for (let i = 0; i < SEARCH; i++) {
    const j = Math.floor(rng.next() * COMPONENTS.length);
    const cand = [...best];
    cand[j] = Math.max(1e-4, cand[j] * Math.exp(1.2 * rng.normal()));
    const s = score(classes, cand, ALPHA_FRACTION).objective;
    if (s > bestScore) {
      best = cand;
      bestScore = s;
      process.stderr.write(`  #${i}: ${s.toFixed(4)}\n`);
    }
  }
  show('best found', best);
}
