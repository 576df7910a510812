// `npm run demo`: whole canaries of the REAL action bundle (node dist/index.js) against the sandbox's
// real Kubernetes control plane (npm run sandbox: API server, controllers, scheduler, etcd, Traefik,
// Prometheus; the node agent plays the kubelet), with the real Helm on PATH. Installs stable v1 with
// Helm, keeps Poisson traffic going through Traefik's ingress, runs each scenario, prints its job
// summary and a timeline, and exits 0 only if every outcome is expected.
//
//   npm run demo -- [--scenario NAME|all]... [--json] [--out DIR] [--rps 50] [--helm-major 3|4] [--rounds N]
//                   [--state-dir DIR] [--pod-cidr CIDR] [--keep] [--list]
//   --rounds     how many times the `concurrent` scenario races its two deploys (default 1)
//   --state-dir  the sandbox's state dir; a sandbox already running there is reused and left running
//   --keep       leave the cluster as the last scenario left it (no clean-up of its canary), for tests
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { helmBinaryPath } from '../scripts/helm-paths.mjs';
import { defaultStateDir } from './control-plane/launcher.js';
import { readManifest } from './build/manifest.js';
import { deleteLeftoverLease } from './demo/cluster-reads.js';
import { runAction, type RunHandle } from './demo/action-runner.js';
import { openCluster, openClusterSet, type DemoCluster, type DemoClusterSet } from './demo/cluster.js';
import { startFakeGitHub, type FakeGitHub } from './demo/fake-github.js';
import { readRecord, scenarioFigures, decisionAt, canaryInstalledAt } from './demo/figures.js';
import { countActionWrites, type ActionWrites } from './demo/audit-writes.js';
import { ACTION_USER } from './control-plane/cluster.js';
import { DEFAULT_SCENARIOS, SCENARIOS } from './demo/scenarios.js';
import { SetupError, checkPrerequisites } from './demo/setup.js';
import { renderTimeline, type Mark } from './demo/timeline.js';
import type {
  DemoContext,
  HelmResult,
  ScenarioDetails,
  ScenarioOutcome,
  StartRunOptions,
  StepHandle,
  StepResult
} from './demo/types.js';
import { createLoadGenerator, diffSnapshots, type LoadGenerator } from './loadgen/loadgen.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    rps: { type: 'string', default: '50' },
    'helm-major': { type: 'string', default: process.env.SANDBOX_HELM_MAJOR ?? '4' },
    list: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'state-dir': { type: 'string' },
    'pod-cidr': { type: 'string' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false }
  }
});

if (args.rounds) process.env.DEMO_CONCURRENT_ROUNDS = args.rounds;

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
const human = (text: string): void => {
  if (args.quiet) return;
  (args.json ? process.stderr : process.stdout).write(`${text}\n`);
};

// The committed bundle is what the demo runs. SANDBOX_ACTION_ENTRY (e.g. src/index.ts, run with tsx) is
// only for developing the sandbox before dist/ exists; the end-to-end tests never set it.
const actionEntry = process.env.SANDBOX_ACTION_ENTRY || 'dist/index.js';
// The post step's entry (runs.post in action.yml), next to the main one.
const postEntry = actionEntry === 'dist/index.js' ? 'dist/post/index.js' : 'src/post-index.ts';
const helmMajor = args['helm-major'] === '3' ? 3 : 4;
const outDir = path.resolve(args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'canary-demo-')));
const stateDir = path.resolve(args['state-dir'] ?? defaultStateDir);
// The real Helm, first on PATH for the demo's own commands and for the action.
const helmBin = path.join(outDir, 'bin');
const stableRelease = 'storefront';
const canaryRelease = 'storefront-canary';
const namespace = 'default';
const chart = 'charts/storefront';
const valuesFile = 'sandbox/demo/values.yaml';

let daemon: DemoCluster;
/** Several clusters, only when a chosen scenario needs them (Scenario.clusters); daemon is its first. */
let clusterSet: DemoClusterSet | undefined;
const clustersNeeded = Math.max(1, ...selected.map((name) => SCENARIOS[name].clusters ?? 1));
let loadgen: LoadGenerator | undefined;
let github: FakeGitHub;
const running = new Set<RunHandle | StepHandle>(); // the action runs in progress
let cleaning: Promise<void> | undefined;

async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const handle of running) handle.kill('SIGKILL');
    await loadgen?.stop(5000).catch(() => {});
    for (const member of clusterSet?.members.slice(1) ?? []) await member.loadgen?.stop(5000).catch(() => {});
    await (clusterSet ?? daemon)?.stop().catch(() => {});
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

/** What every Helm command and every run of the action gets: the sandbox's kubeconfig, the real Helm. */
function clusterEnv(): Record<string, string> {
  return {
    PATH: `${helmBin}${path.delimiter}${process.env.PATH}`,
    KUBECONFIG: daemon.info.kubeconfig,
    HELM_CACHE_HOME: path.join(outDir, 'helm', 'cache'),
    HELM_CONFIG_HOME: path.join(outDir, 'helm', 'config'),
    HELM_DATA_HOME: path.join(outDir, 'helm', 'data')
  };
}

function sandboxEnv(): Record<string, string | undefined> {
  return { ...process.env, ...clusterEnv() };
}

/** Runs the sandbox's helm without blocking this process (the load generator lives here). */
function helm(argv: string[], kubeconfig?: string): Promise<HelmResult> {
  return new Promise((resolve) => {
    const child = spawn('helm', argv, {
      cwd: repoRoot,
      env: { ...sandboxEnv(), ...(kubeconfig && { KUBECONFIG: kubeconfig }) },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.once('error', (error) => resolve({ status: 1, stdout, stderr: String(error) }));
    child.once('exit', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

async function stableRevisions(): Promise<Array<{ revision: number; status: string; version?: string }>> {
  const rel = await daemon.release(namespace, stableRelease);
  return rel
    ? rel.revisions.map((r) => ({
        revision: r.version,
        status: r.info.status,
        version: r.config?.image?.tag
      }))
    : [];
}

/**
 * Starts one step of a workflow run of the action, as the runner does, and records it in
 * details.runs. Without a label the run's files go straight into the scenario's directory (the
 * single-run scenarios); with one, into `<scenario>/<n>-<label>/`.
 * @param {object} o
 * @param {string} [o.label] e.g. "deploy", "post", "promote"
 * @param {string} [o.entry] dist/index.js (main step) or dist/post/index.js (post step)
 * @param {Record<string,string>} [o.with] inputs on top of the scenario's
 * @param {Record<string,string>} [o.state] the main step's saved state, for a post step
 * @param {string} [o.runId] GITHUB_RUN_ID (the lock's holder); a fresh one per call by default
 * @param {string} [o.runAttempt] GITHUB_RUN_ATTEMPT ("2" for a re-run)
 * @param {string} [o.runnerTemp] RUNNER_TEMP, shared by a job's main and post steps
 * @returns the action runner's handle; `done` resolves to its result plus label, runId, checkRunId
 */
function startRun(
  o: StartRunOptions & {
    dir: string;
    index: number;
    baseInputs: Record<string, string>;
    details: ScenarioDetails;
  }
): StepHandle {
  const workDir = o.label ? path.join(o.dir, `${o.index}-${o.label}`) : o.dir;
  const runId = o.runId ?? String(Date.now() * 10 + o.index);
  const inputs = { ...o.baseInputs, ...o.with };
  const tag = o.label ? `[${o.label}] ` : '';
  const entry = o.entry ?? actionEntry;
  const handle = runAction({
    repoRoot,
    workDir,
    entry,
    inputs,
    state: o.state,
    runnerTemp: o.runnerTemp,
    timeoutMs: 180000,
    env: {
      ...clusterEnv(),
      // The action's own client identity, so the audit log tells its writes from everyone else's.
      ...(daemon.info.actionKubeconfig && { KUBECONFIG: daemon.info.actionKubeconfig }),
      ...o.env,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.url,
      GITHUB_GRAPHQL_URL: `${github.url}/graphql`,
      GITHUB_TOKEN: 'sandbox-token',
      GITHUB_RUN_ID: runId,
      GITHUB_RUN_ATTEMPT: o.runAttempt ?? '1'
    },
    onLine: (line) => {
      if (!line.startsWith('::debug::')) human(`  │ ${tag}${line}`);
    }
  });
  running.add(handle);
  let killedAt: number | undefined;
  const kill = handle.kill;
  const step: StepHandle = {
    ...handle,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => {
      killedAt ??= Date.now();
      return kill(signal);
    },
    done: handle.done.then((result): StepResult => {
      running.delete(handle);
      const checkRunId = Number(result.state['check-run-id'] || o.state?.['check-run-id']) || undefined;
      const enriched: StepResult = { ...result, label: o.label ?? 'main', runId, checkRunId };
      o.details.lastResult = enriched;
      o.details.runs.push({
        label: enriched.label,
        entry,
        runId,
        runAttempt: o.runAttempt ?? '1',
        inputs: o.with ?? {},
        startedAt: new Date(result.startedAt).toISOString(),
        endedAt: new Date(result.endedAt).toISOString(),
        cancelledAt: result.cancelledAt ? new Date(result.cancelledAt).toISOString() : null,
        killedAt: killedAt ? new Date(killedAt).toISOString() : null,
        exitCode: result.code,
        signal: result.signal,
        outputs: result.outputs,
        savedState: result.state,
        checkRunId: checkRunId ?? null,
        checkRunConclusion: checkRunId
          ? (github.checkRuns().find((r) => r.id === checkRunId)?.conclusion ?? null)
          : null,
        dir: workDir
      });
      return enriched;
    })
  };
  running.delete(handle);
  running.add(step);
  void step.done.then(() => running.delete(step));
  return step;
}

/** The check-run conclusion GitHub shows for each decision (as the action's reporter maps it). */
const CONCLUSION: Record<string, string> = {
  promoted: 'success',
  'rolled-back': 'failure',
  failed: 'failure',
  refused: 'failure',
  installed: 'success',
  cancelled: 'cancelled',
  paused: 'action_required',
  none: 'neutral'
};

async function runScenario(name: string): Promise<boolean> {
  const scenario = SCENARIOS[name];
  const dir = path.join(outDir, name);
  fs.mkdirSync(dir, { recursive: true });
  const notes: Mark[] = [];
  const problems: string[] = [];
  const details: ScenarioDetails = { runs: [] };
  const inputs: Record<string, string> = {
    release: stableRelease,
    chart,
    namespace,
    values: valuesFile,
    version: scenario.version,
    set: scenario.set.join('\n'),
    steps: '10,50,100',
    soak: '20s',
    interval: '2s',
    'prometheus-url': daemon.info.prometheus,
    'helm-timeout': '30s',
    'max-extra-soak': '20s',
    // The strict setting JUDGE.md names: a demo (and the CI suite built on it) that must promote its
    // healthy canaries every time keeps false rollbacks at 1% or less; bad canaries are still caught in seconds.
    alpha: '0.01',
    ...scenario.inputs
  };
  details.inputs = inputs;
  let runCount = 0;
  const extraFields: Record<string, unknown> = {};
  const lg = loadgen!;
  const ctx: DemoContext = {
    client: daemon,
    repoRoot,
    env: sandboxEnv(),
    helmBinary: helmBinaryPath(helmMajor),
    loadgen: lg,
    helm,
    namespace,
    chart,
    valuesFile,
    stableRelease,
    canaryRelease,
    details,
    inputs,
    postEntry,
    /** A path in this scenario's directory. */
    dirOf: (name) => path.join(dir, name),
    note: (text) => {
      notes.push({ at: Date.now(), text });
      human(`  · ${text}`);
    },
    fail: (text) => problems.push(text),
    /** Starts one step of a workflow run: see startRun. */
    run: (options = {}) =>
      startRun({
        env: scenario.runEnv?.(ctx),
        ...options,
        dir,
        index: ++runCount,
        baseInputs: inputs,
        details
      }),
    /** Extra fields for this scenario's JSON object. */
    fields: (more) => Object.assign(extraFields, more),
    /** The check run with this id as the fake GitHub API holds it now. */
    checkRun: (id) => github.checkRuns().find((r) => r.id === id),
    clusterSet
  };
  human(`\n━━ ${name}: ${scenario.title} (expect ${scenario.expected.join(' or ')})`);
  const stableBefore = await stableRevisions();
  if (scenario.before) await scenario.before(ctx);
  if (scenario.setup) await scenario.setup(ctx);

  const since = Date.now();
  const before = lg.snapshot();
  // A scenario either drives its own sequence of workflow runs (`run`), or is one main step with
  // something done to the world meanwhile (`during`).
  let outcome: ScenarioOutcome;
  if (scenario.run) {
    outcome = await scenario.run(ctx).catch((error) => {
      ctx.fail(`run: ${(error as Error).stack ?? (error as Error).message}`);
      for (const handle of running) handle.kill('SIGKILL');
      return { result: details.lastResult };
    });
  } else {
    const handle = ctx.run();
    const during = scenario.during
      ? scenario.during(ctx).catch((e: Error) => ctx.fail(`during: ${e.message}`))
      : undefined;
    outcome = { result: await handle.done };
    await during;
  }
  const result = outcome.result;
  const runsEnded = Date.now();
  await sleep(1500); // the last scrape and drain after the action's final Helm call
  const after = lg.snapshot();
  // What the scenario reads back from the cluster, before the clean-up below changes it.
  if (scenario.fields && result) {
    ctx.fields(
      await Promise.resolve(scenario.fields(ctx, result)).catch((e: Error) => {
        ctx.fail(`fields: ${e.message}`);
        return {};
      })
    );
  }

  // Leave the world as the next scenario expects it: no canary left behind (--keep: the last one stays).
  const keep = args.keep && name === selected.at(-1);
  if (!keep && (await daemon.release(namespace, canaryRelease))) {
    if (!scenario.leavesCanary) ctx.fail('the action left the canary release installed');
    await helm(['uninstall', canaryRelease, '--namespace', namespace, '--wait']);
    // Removed by hand, the canary leaves its Lease behind (it would refuse the next scenario's deploy).
    await deleteLeftoverLease(ctx, canaryRelease);
  }
  if (scenario.after && !keep) await scenario.after(ctx);

  // The deciding run's cluster (a scenario over several clusters names it) gives the Helm events.
  const events = (outcome.cluster ?? daemon).events();
  const routerLog = (outcome.cluster ?? daemon).weightLog();
  const lastServedAt = lg.lastServedAt();
  // A multi-run scenario names which run carries its decision, report, job summary and check run.
  const outputs = result?.outputs ?? {};
  const reportFile = outcome.reportPath ?? outputs.report;
  const reportPath = reportFile ? path.resolve(repoRoot, reportFile) : undefined;
  const summaryPath = outcome.summaryPath ?? result?.files.summary ?? path.join(dir, 'step_summary.md');
  const record = reportPath ? readRecord(reportPath) : undefined;
  // The releases whose Helm operations time the figures and the timeline (a scenario may name others).
  const followed = {
    canaryRelease: scenario.figuresFollow?.canaryRelease ?? canaryRelease,
    stableRelease: scenario.figuresFollow?.stableRelease ?? stableRelease
  };
  const window = diffSnapshots(before, after);
  const figures = scenarioFigures({
    scenario: name,
    expected: scenario.expected.join('|'),
    outputs,
    record,
    reportPath,
    summaryPath,
    events,
    weightLog: routerLog,
    lastServedAt,
    window,
    ...followed,
    since,
    decisionSince: outcome.decisionSince
  });
  const stableAfter = await stableRevisions();
  // Write requests of the action's identity while its runs went on (every run of the scenario).
  let writes: ActionWrites | undefined;
  if (daemon.info.actionKubeconfig) {
    writes = countActionWrites(daemon.info.auditLog, ACTION_USER, since, runsEnded);
  } else {
    problems.push(
      'the sandbox has no identity of its own for the action (restart it): writesToCluster unknown'
    );
  }
  const summary = fs.existsSync(summaryPath) ? fs.readFileSync(summaryPath, 'utf8') : '';

  if (!scenario.expected.includes(figures.decision)) {
    problems.push(
      `decision "${figures.decision}" (exit ${result?.code}), expected ${scenario.expected.join(' or ')}`
    );
  }
  if (figures.requestsFailedByRouting !== 0)
    problems.push(`${figures.requestsFailedByRouting} requests failed because of routing`);
  if (
    !scenario.stableMayChange &&
    figures.decision !== 'promoted' &&
    stableAfter.length !== stableBefore.length
  ) {
    problems.push(
      `the stable release was modified: ${stableBefore.length} -> ${stableAfter.length} revisions`
    );
  }
  if (scenario.evidence && !scenario.evidence.test(summary))
    problems.push(`the job summary does not name ${scenario.evidence}`);
  if (!record) problems.push(`no rollout record at ${reportPath ?? '(no report output)'}`);
  const expectedConclusion = CONCLUSION[figures.decision] ?? 'failure';
  const myRuns = github.requests().filter((r) => Date.parse(r.at) >= since);
  const checkRunId = outcome.checkRunId ?? result?.checkRunId;
  const conclusion =
    checkRunId !== undefined
      ? (ctx.checkRun(checkRunId)?.conclusion ?? null)
      : ([...myRuns].reverse().find((r) => r.body?.conclusion)?.body.conclusion ?? null);
  if (conclusion && conclusion !== expectedConclusion) {
    problems.push(`check run concluded "${conclusion}", expected "${expectedConclusion}"`);
  }

  Object.assign(details, {
    figures,
    ok: problems.length === 0,
    problems,
    exitCode: result?.code ?? null,
    outputs,
    stableRevisionsBefore: stableBefore,
    stableRevisionsAfter: stableAfter,
    checkRunRequests: myRuns,
    checkRunConclusion: conclusion,
    loadWindow: window,
    writesToCluster: writes ?? null,
    weightLog: routerLog.filter((e) => Date.parse(e.at) >= since),
    events: events.filter((e) => Date.parse(e.at) >= since),
    failures: lg.failures().filter((f) => Date.parse(f.at) >= since)
  });
  fs.writeFileSync(path.join(dir, 'details.json'), JSON.stringify(details, null, 2));

  // Human report: the job summary as the action wrote it, then the timeline.
  human(`\n  ── job summary (${summaryPath})\n${summary.trim() || '  (empty)'}`);
  const installedAt = canaryInstalledAt({
    events,
    canaryRelease: followed.canaryRelease,
    since: outcome.decisionSince ?? since
  });
  const decided = decisionAt({ record, events, decision: figures.decision, ...followed, installedAt });
  human(
    `\n  ── timeline\n${renderTimeline({
      since,
      until: Date.now(),
      perSecond: lg.perSecond(),
      weightLog: routerLog,
      events,
      notes,
      ...followed,
      decision: Number.isFinite(decided.at)
        ? { at: decided.at, text: `DECISION: ${figures.decision}` }
        : undefined
    })}`
  );
  human(
    `\n  ${problems.length === 0 ? '✔' : '✘'} ${name}: ${figures.decision} after ${figures.secondsToDecision ?? '?'} s` +
      `${figures.secondsToZeroWeight !== null ? `, canary at zero traffic ${figures.secondsToZeroWeight} s later` : ''}; ` +
      `${figures.requestsTotal} requests, ${figures.canaryBadRequests} bad on the canary, ` +
      `${figures.requestsFailedByRouting} failed by routing; check run: ${conclusion ?? 'none'}` +
      (problems.length ? `\n    ${problems.join('\n    ')}` : '')
  );
  if (args.json)
    process.stdout.write(
      `${JSON.stringify({ ...figures, kubernetesVersion: daemon.info.kubernetesVersion, writesToCluster: writes?.writes ?? null, ...extraFields })}\n`
    );
  return problems.length === 0;
}

async function main(): Promise<boolean> {
  checkPrerequisites({ repoRoot, helmMajor, actionEntry });
  if (actionEntry !== 'dist/index.js')
    human(`demo: running ${actionEntry} instead of dist/index.js (development only)`);
  fs.mkdirSync(outDir, { recursive: true });
  human(`demo: files in ${outDir}; scenarios: ${selected.join(', ')}; Helm ${helmMajor} rendering`);
  github = await startFakeGitHub();
  fs.mkdirSync(helmBin, { recursive: true });
  fs.symlinkSync(helmBinaryPath(helmMajor), path.join(helmBin, 'helm'));
  if (clustersNeeded > 1) {
    clusterSet = await openClusterSet({
      stateDir,
      count: clustersNeeded,
      podCidr: args['pod-cidr'],
      namespace,
      log: human
    });
    daemon = clusterSet.members[0].cluster;
  } else daemon = await openCluster({ stateDir, podCidr: args['pod-cidr'], namespace, log: human });
  // The action keeps its ownership marks on a Lease through kubectl, as on a runner (kubectl on PATH).
  fs.symlinkSync(readManifest().binaries.kubectl, path.join(helmBin, 'kubectl'));
  human(
    `demo: Kubernetes ${daemon.info.kubernetesVersion}; ingress (Traefik) ${daemon.info.ingress}, Prometheus ${daemon.info.prometheus}`
  );
  // Every cluster gets stable v1 and its own Poisson traffic through its own ingress.
  for (const [i, cluster] of (clusterSet?.members.map((m) => m.cluster) ?? [daemon]).entries()) {
    const install = await helm(
      [
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
      ],
      cluster.info.kubeconfig
    );
    if (install.status !== 0) throw new Error(`installing stable v1 failed:\n${install.stderr}`);
    human(
      `demo: stable ${stableRelease} v1.0.0 installed${clusterSet ? ` in cluster ${clusterSet.members[i].context}` : ''}`
    );
    const generator = createLoadGenerator({
      url: cluster.info.ingress,
      rps: Number(args.rps),
      host: 'storefront.example.com',
      seed: 7 + i
    });
    generator.start();
    if (i === 0) loadgen = generator;
    if (clusterSet) clusterSet.members[i].loadgen = generator;
  }
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
  console.error(
    error instanceof SetupError ? error.message : `demo failed: ${(error as Error).stack ?? String(error)}`
  );
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
