#!/usr/bin/env node
// `npm run demo`: whole canaries of the REAL action bundle (node dist/index.js) on this machine. The
// sandbox stands in for Kubernetes (API, kubelet, ingress-nginx); Helm rendering, the storefront
// processes, HTTP traffic and Prometheus are real. Installs stable v1, keeps Poisson traffic going, runs
// each scenario, prints its job summary and a timeline, and exits 0 only if every outcome is expected.
//
//   node sandbox/demo.mjs [--scenario NAME]... [--json] [--out DIR] [--rps 50] [--helm-major 3|4] [--list]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDaemon } from './cluster/client.mjs';
import { createLoadGenerator, diffSnapshots } from './loadgen/loadgen.mjs';
import { runAction } from './demo/action-runner.mjs';
import { startFakeGitHub } from './demo/fake-github.mjs';
import { readRecord, scenarioFigures, decisionAt, canaryInstalledAt } from './demo/figures.mjs';
import { DEFAULT_SCENARIOS, SCENARIOS } from './demo/scenarios.mjs';
import { SetupError, checkPrerequisites } from './demo/setup.mjs';
import { renderTimeline } from './demo/timeline.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    rps: { type: 'string', default: '50' },
    'helm-major': { type: 'string', default: process.env.SANDBOX_HELM_MAJOR ?? '4' },
    list: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false }
  }
});

if (args.list) {
  for (const [name, s] of Object.entries(SCENARIOS))
    console.log(`${name.padEnd(16)} ${s.title} (expect ${s.expected.join(' or ')})`);
  process.exit(0);
}

const names = (args.scenario ?? DEFAULT_SCENARIOS).flatMap((s) => s.split(',')).filter(Boolean);
const selected = names.includes('all') ? Object.keys(SCENARIOS) : names;
for (const name of selected) {
  if (!SCENARIOS[name]) {
    console.error(
      `demo: unknown scenario "${name}"; expected one of ${Object.keys(SCENARIOS).join(', ')} or all`
    );
    process.exit(2);
  }
}

// Human output goes to stdout, or to stderr with --json (stdout then carries only the JSON objects).
const human = (text) => {
  if (args.quiet) return;
  (args.json ? process.stderr : process.stdout).write(`${text}\n`);
};

// The committed bundle is what the demo runs. SANDBOX_ACTION_ENTRY (e.g. src/index.ts, run with tsx) is
// only for developing the sandbox before dist/ exists; the end-to-end tests never set it.
const actionEntry = process.env.SANDBOX_ACTION_ENTRY || 'dist/index.js';
const helmMajor = args['helm-major'] === '3' ? 3 : 4;
const outDir = path.resolve(args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'canary-demo-')));
const stateDir = path.join(outDir, 'cluster');
const stableRelease = 'storefront';
const canaryRelease = 'storefront-canary';
const namespace = 'default';
const chart = 'charts/storefront';
const valuesFile = 'sandbox/demo/values.yaml';

let daemon;
let loadgen;
let github;
let running; // the action run in progress
let cleaning;

async function cleanup() {
  cleaning ??= (async () => {
    running?.kill('SIGKILL');
    await loadgen?.stop(5000).catch(() => {});
    await daemon?.stop().catch(() => {});
    await github?.close().catch(() => {});
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    human(`\ndemo: ${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

function sandboxEnv() {
  return {
    ...process.env,
    PATH: `${path.join(repoRoot, 'sandbox', 'bin')}${path.delimiter}${process.env.PATH}`,
    SANDBOX_STATE_DIR: stateDir,
    SANDBOX_HELM_MAJOR: String(helmMajor)
  };
}

/** Runs the sandbox's helm without blocking this process (the load generator lives here). */
function helm(argv) {
  return new Promise((resolve) => {
    const child = spawn('helm', argv, {
      cwd: repoRoot,
      env: sandboxEnv(),
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', (error) => resolve({ status: 1, stdout, stderr: String(error) }));
    child.once('exit', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

async function stableRevisions() {
  const rel = await daemon.release(namespace, stableRelease);
  return rel
    ? rel.revisions.map((r) => ({
        revision: r.version,
        status: r.info.status,
        version: r.config?.image?.tag
      }))
    : [];
}

async function runScenario(name) {
  const scenario = SCENARIOS[name];
  const dir = path.join(outDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const notes = [];
  const problems = [];
  const details = {};
  const ctx = {
    client: daemon,
    loadgen,
    helm,
    namespace,
    chart,
    valuesFile,
    stableRelease,
    canaryRelease,
    details,
    note: (text) => {
      notes.push({ at: Date.now(), text });
      human(`  · ${text}`);
    },
    fail: (text) => problems.push(text)
  };
  human(`\n━━ ${name}: ${scenario.title} (expect ${scenario.expected.join(' or ')})`);
  const stableBefore = await stableRevisions();
  if (scenario.before) await scenario.before(ctx);

  const since = Date.now();
  const before = loadgen.snapshot();
  const routerBefore = await daemon.routerStats();
  const inputs = {
    release: stableRelease,
    chart,
    namespace,
    values: valuesFile,
    version: scenario.version,
    set: scenario.set.join('\n'),
    steps: '10,50,100',
    soak: '20s',
    interval: '2s',
    'prometheus-url': daemon.info.prometheusUrl,
    'helm-timeout': '30s',
    'max-extra-soak': '20s',
    ...scenario.inputs
  };
  details.inputs = inputs;
  const handle = runAction({
    repoRoot,
    workDir: dir,
    entry: actionEntry,
    inputs,
    timeoutMs: 180000,
    env: {
      ...Object.fromEntries(
        Object.entries(sandboxEnv()).filter(([k]) => k.startsWith('SANDBOX_') || k === 'PATH')
      ),
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.url,
      GITHUB_GRAPHQL_URL: `${github.url}/graphql`,
      GITHUB_TOKEN: 'sandbox-token'
    },
    onLine: (line) => {
      if (!line.startsWith('::debug::')) human(`  │ ${line}`);
    }
  });
  running = handle;
  const during = scenario.during
    ? scenario.during(ctx).catch((e) => ctx.fail(`during: ${e.message}`))
    : undefined;
  const result = await handle.done;
  running = undefined;
  await during;
  await sleep(1500); // the last scrape and drain after the action's final Helm call
  const after = loadgen.snapshot();

  // Leave the world as the next scenario expects it: no canary left behind.
  if (await daemon.release(namespace, canaryRelease)) {
    ctx.fail('the action left the canary release installed');
    await helm(['uninstall', canaryRelease, '--namespace', namespace, '--wait']);
  }
  if (scenario.after) await scenario.after(ctx);

  const [events, routerLog, routerStats] = await Promise.all([
    daemon.events(),
    daemon.routerLog(),
    daemon.routerStats()
  ]);
  const reportPath = result.outputs.report ? path.resolve(repoRoot, result.outputs.report) : undefined;
  const record = reportPath ? readRecord(reportPath) : undefined;
  const window = diffSnapshots(before, after);
  const figures = scenarioFigures({
    scenario: name,
    expected: scenario.expected.join('|'),
    outputs: result.outputs,
    record,
    reportPath,
    summaryPath: result.files.summary,
    events,
    routerLog,
    routerStats,
    window,
    canaryRelease,
    stableRelease,
    since
  });
  const stableAfter = await stableRevisions();
  const summary = fs.existsSync(result.files.summary) ? fs.readFileSync(result.files.summary, 'utf8') : '';

  if (!scenario.expected.includes(figures.decision)) {
    problems.push(
      `decision "${figures.decision}" (exit ${result.code}), expected ${scenario.expected.join(' or ')}`
    );
  }
  if (figures.requestsFailedByRouting !== 0)
    problems.push(`${figures.requestsFailedByRouting} requests failed because of routing`);
  if (figures.decision !== 'promoted' && stableAfter.length !== stableBefore.length) {
    problems.push(
      `the stable release was modified: ${stableBefore.length} -> ${stableAfter.length} revisions`
    );
  }
  if (scenario.evidence && !scenario.evidence.test(summary))
    problems.push(`the job summary does not name ${scenario.evidence}`);
  if (!record) problems.push(`no rollout record at ${reportPath ?? '(no report output)'}`);
  const expectedConclusion = figures.decision === 'promoted' ? 'success' : 'failure';
  const myRuns = github.requests().filter((r) => Date.parse(r.at) >= since);
  const completed = [...myRuns].reverse().find((r) => r.body?.conclusion);
  if (completed && completed.body.conclusion !== expectedConclusion) {
    problems.push(`check run concluded "${completed.body.conclusion}", expected "${expectedConclusion}"`);
  }

  Object.assign(details, {
    figures,
    ok: problems.length === 0,
    problems,
    exitCode: result.code,
    outputs: result.outputs,
    stableRevisionsBefore: stableBefore,
    stableRevisionsAfter: stableAfter,
    checkRunRequests: myRuns,
    checkRunConclusion: completed?.body.conclusion ?? null,
    loadWindow: window,
    routerServed: Object.fromEntries(
      Object.entries(routerStats.served).map(([k, v]) => [k, v - (routerBefore.served[k] ?? 0)])
    ),
    routerLog: routerLog.filter((e) => Date.parse(e.at) >= since),
    events: events.filter((e) => Date.parse(e.at) >= since),
    failures: loadgen.failures().filter((f) => Date.parse(f.at) >= since)
  });
  fs.writeFileSync(path.join(dir, 'details.json'), JSON.stringify(details, null, 2));

  // Human report: the job summary as the action wrote it, then the timeline.
  human(`\n  ── job summary (${result.files.summary})\n${summary.trim() || '  (empty)'}`);
  const installedAt = canaryInstalledAt({ events, canaryRelease, since });
  const decided = decisionAt({
    record,
    events,
    decision: figures.decision,
    canaryRelease,
    stableRelease,
    installedAt
  });
  human(
    `\n  ── timeline\n${renderTimeline({
      since,
      until: Date.now(),
      perSecond: loadgen.perSecond(),
      routerLog,
      events,
      notes,
      canaryRelease,
      stableRelease,
      decision: Number.isFinite(decided.at)
        ? { at: decided.at, text: `DECISION: ${figures.decision}` }
        : undefined
    })}`
  );
  human(
    `\n  ${problems.length === 0 ? '✔' : '✘'} ${name}: ${figures.decision} after ${figures.secondsToDecision ?? '?'} s` +
      `${figures.secondsToZeroWeight !== null ? `, canary at zero traffic ${figures.secondsToZeroWeight} s later` : ''}; ` +
      `${figures.requestsTotal} requests, ${figures.canaryBadRequests} bad on the canary, ` +
      `${figures.requestsFailedByRouting} failed by routing; check run: ${completed?.body.conclusion ?? 'none'}` +
      (problems.length ? `\n    ${problems.join('\n    ')}` : '')
  );
  if (args.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  return problems.length === 0;
}

async function main() {
  checkPrerequisites({ repoRoot, helmMajor, actionEntry, log: human });
  if (actionEntry !== 'dist/index.js')
    human(`demo: running ${actionEntry} instead of dist/index.js (development only)`);
  fs.mkdirSync(outDir, { recursive: true });
  human(`demo: files in ${outDir}; scenarios: ${selected.join(', ')}; Helm ${helmMajor} rendering`);
  github = await startFakeGitHub();
  daemon = await startDaemon({ stateDir, maxLifetimeSeconds: 1800 });
  human(`demo: router ${daemon.info.routerUrl}, Prometheus ${daemon.info.prometheusUrl}`);
  const install = await helm([
    'upgrade',
    '--install',
    stableRelease,
    chart,
    '--namespace',
    namespace,
    '-f',
    valuesFile,
    '--set',
    'image.tag=1.0.0',
    '--wait',
    '--timeout',
    '60s'
  ]);
  if (install.status !== 0) throw new Error(`installing stable v1 failed:\n${install.stderr}`);
  human(`demo: stable ${stableRelease} v1.0.0 installed`);
  loadgen = createLoadGenerator({
    url: daemon.info.routerUrl,
    rps: Number(args.rps),
    host: 'storefront.example.com',
    seed: 7
  });
  loadgen.start();
  await sleep(5000); // a baseline for stable in Prometheus before the first canary
  let ok = true;
  for (const name of selected) ok = (await runScenario(name)) && ok;
  human(
    `\ndemo: ${ok ? 'every outcome as expected' : 'some outcomes were NOT as expected'} (files in ${outDir})`
  );
  return ok;
}

let exitCode = 1;
try {
  exitCode = (await main()) ? 0 : 1;
} catch (error) {
  console.error(error instanceof SetupError ? error.message : `demo failed: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
