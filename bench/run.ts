// `npm run bench` runs the built-in scenarios and prints a table and the targets;
// `npm run bench -- --scenario FILE --json` runs the scenarios in FILE (a JSON array) and prints only JSON.
// Options: --runs N (override every scenario's runs), --workers N (default: one per core, at most 2).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { summarizeJudge, type ScenarioResult } from './aggregate.js';
import { BUILT_IN_SCENARIOS } from './builtin.js';
import { ChunkPool } from './pool.js';
import { normalizeScenario, type Scenario } from './scenario.js';
import { TICK_SECONDS } from './sequential.js';
import { JUDGES } from './simulate.js';
import { renderTable, renderTargets } from './table.js';
import { checkTargets } from './targets.js';
import { scenarioWaldBound } from './wald.js';

interface Options {
  scenarioFile?: string;
  json: boolean;
  runs?: number;
  workers: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, workers: Math.min(2, availableParallelism()) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} expects a value`);
      return v;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--scenario') options.scenarioFile = value();
    else if (arg === '--runs') options.runs = positiveInt(arg, value());
    else if (arg === '--workers') options.workers = positiveInt(arg, value(), 0);
    else throw new Error(`unknown option ${arg}; expected --scenario FILE, --json, --runs N, --workers N`);
  }
  return options;
}

function positiveInt(flag: string, raw: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} expects an integer >= ${min}, got "${raw}"`);
  return n;
}

function loadScenarios(file: string | undefined): Scenario[] {
  if (file === undefined) return BUILT_IN_SCENARIOS.map((s, i) => normalizeScenario(s, i));
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `--scenario ${file}: expected a readable JSON file (${error instanceof Error ? error.message : error})`
    );
  }
  if (!Array.isArray(parsed)) throw new Error(`--scenario ${file}: expected a JSON array of scenarios`);
  return parsed.map((s, i) => normalizeScenario(s, i));
}

async function runScenario(pool: ChunkPool, scenario: Scenario): Promise<ScenarioResult> {
  const chunks = Math.max(1, pool.size * 4);
  const per = Math.ceil(scenario.runs / chunks);
  const jobs = [];
  for (let from = 0; from < scenario.runs; from += per) {
    jobs.push(pool.run({ scenario, fromRun: from, toRun: Math.min(scenario.runs, from + per) }));
  }
  const parts = await Promise.all(jobs);
  const judges = {} as ScenarioResult['judges'];
  JUDGES.forEach((judge, j) => {
    const detect = parts.flatMap((p) => p.detect[j]);
    const excess = parts.flatMap((p) => p.excess[j]);
    judges[judge] = summarizeJudge(scenario, detect, excess);
  });
  const wald = scenarioWaldBound(scenario);
  return { name: scenario.name, waldBoundSeconds: wald === null ? null : Number(wald.toFixed(1)), judges };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const scenarios = loadScenarios(options.scenarioFile).map((s) =>
    options.runs ? { ...s, runs: options.runs } : s
  );
  const pool = new ChunkPool(options.workers);
  const started = Date.now();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      results.push(await runScenario(pool, scenario));
      if (!options.json) process.stderr.write(`  ${scenario.name}: ${scenario.runs} runs done\n`);
    }
  } finally {
    await pool.close();
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const runsByName = new Map(scenarios.map((s) => [s.name, s.runs]));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    `Judge benchmark: ${scenarios.length} scenarios, ${options.workers} worker(s), ${seconds} s`,
    'Detection times are censored medians/p90 over all runs (a run never rolled back counts as never detected).',
    `ratio: median / max(Wald, one ${TICK_SECONDS} s tick). false promote: regressions not rolled back within the horizon.`,
    '',
    renderTable(results, runsByName),
    ''
  ];
  const checks = checkTargets(results, runsByName, scenarios);
  if (checks.length > 0) lines.push('Targets (issues 4 and 14):', renderTargets(checks), '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
