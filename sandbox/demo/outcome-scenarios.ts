// The demo's truthful-outcome scenarios (issue 10): faults where the action once reported a success
// that did not happen. Each scenario is three small parts; every cluster read goes through
// cluster-reads.ts (Helm's release Secrets, through the Kubernetes API):
//   setup   what is done to the world first (another release, a fault)
//   act     the workflow runs of the action
//   fields  what is read back from the cluster and checked; it returns the scenario's extra JSON fields
//   concurrent       two deploys of different versions started at once: one promoted, one refused
//   stable-vanishes  stable's metrics stop right after the canary is installed; the canary is 8x worse
//   removal-fails    every removal of the canary fails after stable was upgraded (a test harness in front
//                    of the real Helm, failing-helm/helm, fails the matching commands)
//   foreign-release  `canary-release` names a release without marks; `command: rollback` is refused
//   cancel-promotion the runner kills the main step while `helm upgrade` of stable returns; the post
//                    step finishes the promotion
//   cancel-rollback  the judge rolls a bad canary back and the runner kills the main step during the
//                    removal; the post step finishes it with the judge's verdict
import fs from 'node:fs';
import path from 'node:path';
import { readRelease, readCanaryWeight, type ReleaseRead } from './cluster-reads.js';
import { startMetricsFilter } from './metrics-filter.js';
import { storefrontHelmArgs } from './storefront-helm.js';
import type { DemoContext, Scenario, StepResult } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function untilCanaryExists(ctx: DemoContext, timeoutMs = 60000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await readRelease(ctx, ctx.canaryRelease)).exists) return true;
    await sleep(200);
  }
  return false;
}

interface RunLine {
  label: string;
  version: string;
  decision: string | null;
  exitCode: number | null;
}

interface Race {
  round: number;
  runs: RunLine[];
  results: StepResult[];
  stableVersion: string | null;
}

/** One run's line in the `runs` field. */
const runLine = (result: StepResult, label: string, version: string): RunLine => ({
  label,
  version,
  decision: result.outputs.decision ?? null,
  exitCode: result.code
});

// ------------------------------------------------------------------ concurrent

/** How many times the two deploys race (the e2e suite asks for 20 with --rounds). */
const rounds = (): number => Math.max(1, Number(process.env.DEMO_CONCURRENT_ROUNDS || 1));

async function raceOnce(ctx: DemoContext, round: number): Promise<Race> {
  const versions = [`2.${round}.0`, `3.${round}.0`];
  const labels = versions.map((v) => `deploy-${v}`);
  const base = Date.now() * 10;
  // Started in the same tick: both see no canary, both try to create it.
  const handles = versions.map((version, i) =>
    ctx.run({ label: labels[i], runId: String(base + i), with: { version } })
  );
  const results = await Promise.all(handles.map((h) => h.done));
  const stable = await readRelease(ctx, ctx.stableRelease);
  return {
    round,
    runs: results.map((r, i) => runLine(r, labels[i], versions[i])),
    results,
    stableVersion: stable.exists ? stable.version : null
  };
}

function checkRace(ctx: DemoContext, race: Race): void {
  const promoted = race.runs.filter((r) => r.decision === 'promoted');
  const refused = race.runs.filter((r) => r.decision === 'refused');
  if (promoted.length !== 1 || refused.length !== 1) {
    ctx.fail(
      `round ${race.round}: decisions ${race.runs.map((r) => r.decision).join(' and ')}, expected one promoted and one refused`
    );
  } else if (race.stableVersion !== promoted[0].version) {
    ctx.fail(
      `round ${race.round}: stable runs ${race.stableVersion}, the winner promoted ${promoted[0].version}`
    );
  }
  if (refused[0] && refused[0].exitCode === 0) ctx.fail(`round ${race.round}: the refused run exited 0`);
}

const concurrent: Scenario = {
  title: 'two deploys of different versions started at once: exactly one promotes, the other is refused',
  version: '2.0.0',
  expected: ['refused'],
  set: [],
  stableMayChange: true,
  // Guards only: this scenario is about the lock, so the judge's statistics on a few seconds of a
  // cold canary (and a loaded machine) must not make the winner's outcome vary.
  inputs: { steps: '20,50', soak: '6s', interval: '2s', 'min-canary-requests': '20', judge: 'threshold' },
  async run(ctx) {
    const races: Race[] = [];
    for (let round = 1; round <= rounds(); round++) {
      const race = await raceOnce(ctx, round);
      checkRace(ctx, race);
      races.push(race);
      ctx.note(
        `round ${round}: ${race.runs.map((r) => `${r.version} ${r.decision}`).join(', ')}; stable runs ${race.stableVersion}`
      );
    }
    const last = races.at(-1)!;
    const refusedIndex = last.runs.findIndex((r) => r.decision === 'refused');
    const carrier = last.results[refusedIndex >= 0 ? refusedIndex : 0];
    ctx.fields({
      runs: last.runs,
      stableVersion: last.stableVersion,
      rounds: races.map((r) => ({ round: r.round, runs: r.runs, stableVersion: r.stableVersion }))
    });
    return { result: carrier };
  }
};

// ------------------------------------------------------------------ stable-vanishes

const stableVanishes: Scenario = {
  title: "stable's metrics stop right after the canary is installed, and the canary is 8x worse",
  version: '3.4.0',
  expected: ['failed', 'rolled-back'],
  set: ['faults.errorRate=0.04'],
  evidence: /stable has no data|5xx|error/i,
  inputs: { steps: '20,100', soak: '12s', interval: '2s' },
  async setup(ctx) {
    const filter = await startMetricsFilter(ctx.inputs['prometheus-url']);
    ctx.filter = filter;
    ctx.inputs['prometheus-url'] = filter.url;
  },
  async during(ctx) {
    if (!(await untilCanaryExists(ctx))) return;
    ctx.note(`hiding every series of ${ctx.stableRelease} from the action's Prometheus`);
    ctx.filter?.hide(ctx.stableRelease);
  },
  async after(ctx) {
    await ctx.filter?.close();
  },
  fields(ctx, result) {
    if (result.outputs.decision === 'promoted') ctx.fail('a canary judged without stable data was promoted');
    return {};
  }
};

// ------------------------------------------------------------------ removal-fails

const removalFails: Scenario = {
  title: 'every removal of the canary fails after stable was upgraded',
  version: '2.7.0',
  expected: ['promoted'],
  set: [],
  stableMayChange: true,
  leavesCanary: true,
  inputs: { steps: '20,50', soak: '8s', interval: '2s', 'min-canary-requests': '20' },
  runEnv(ctx) {
    // Helm's part of every removal fails: the uninstall (and the weight-0 upgrade of the chart-values
    // routings). ingress-nginx zeroes the canary's Ingress with a patch first, so it is left at 0%.
    const canary = ctx.canaryRelease;
    return {
      PATH: `${path.join(ctx.repoRoot, 'sandbox', 'demo', 'failing-helm')}${path.delimiter}${ctx.env.PATH}`,
      DEMO_HELM_NEXT: ctx.helmBinary,
      DEMO_HELM_FAIL: JSON.stringify([`^uninstall ${canary}\\b`, `^upgrade ${canary} .*--reuse-values`])
    };
  },
  async fields(ctx, result) {
    const canary = await readRelease(ctx, ctx.canaryRelease);
    const fields = {
      exitCode: result.code,
      finalWeight: Number(result.outputs['final-weight']),
      canaryWeightAfter: await readCanaryWeight(ctx),
      canaryPresentAfter: canary.exists
    };
    if (fields.exitCode !== 1) ctx.fail(`exit code ${fields.exitCode}, expected 1`);
    if (fields.finalWeight !== fields.canaryWeightAfter)
      ctx.fail(`final-weight ${fields.finalWeight} but the canary holds ${fields.canaryWeightAfter}%`);
    if (!fields.canaryPresentAfter)
      ctx.fail('the canary was removed although every removal was made to fail');
    return fields;
  }
};

// ------------------------------------------------------------------ foreign-release

const FOREIGN = 'otherapp';

const foreignRelease: Scenario = {
  title: '`canary-release` names another app that carries no marks, and `command: rollback` runs',
  version: '2.8.0',
  expected: ['refused'],
  set: [],
  inputs: { command: 'rollback', 'canary-release': FOREIGN },
  async setup(ctx) {
    const install = await ctx.helm(
      // Another app has its own host: a second plain Ingress for the storefront's host would take part of
      // its traffic in a real ingress controller (Traefik routed some to otherapp before its pods were Ready).
      storefrontHelmArgs(ctx, ['install'], FOREIGN, '9.9.9', ['ingress.host=otherapp.example.com'])
    );
    if (install.status !== 0) throw new Error(`installing ${FOREIGN} failed: ${install.stderr}`);
    ctx.foreignBefore = await readRelease(ctx, FOREIGN);
  },
  async fields(ctx) {
    const after = await readRelease(ctx, FOREIGN);
    const before = ctx.foreignBefore;
    const intact =
      after.exists &&
      before?.exists === true &&
      after.revision === before.revision &&
      JSON.stringify(after.values) === JSON.stringify(before.values);
    const revision = (r: ReleaseRead | undefined): string => (r?.exists ? String(r.revision) : 'gone');
    if (!intact) ctx.fail(`${FOREIGN} was changed: revision ${revision(before)} -> ${revision(after)}`);
    return { foreignReleaseIntact: intact };
  },
  async after(ctx) {
    await ctx.helm(['uninstall', FOREIGN, '--namespace', ctx.namespace, '--wait']);
  }
};

// ------------------------------------------------------------------ killed mid-outcome

/** Env for a main step whose Helm command matching `hold` completes, then seems to hang. */
function holdingHelm(ctx: DemoContext, hold: string, file: string): Record<string, string> {
  return {
    PATH: `${path.join(ctx.repoRoot, 'sandbox', 'demo', 'failing-helm')}${path.delimiter}${ctx.env.PATH}`,
    DEMO_HELM_NEXT: ctx.helmBinary,
    DEMO_HELM_HOLD: JSON.stringify([hold]),
    DEMO_HELM_HOLD_FILE: file
  };
}

async function untilFile(file: string, timeoutMs = 120000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (fs.existsSync(file)) return true;
    await sleep(100);
  }
  return false;
}

/** The runner dies (SIGKILL) once the held Helm command has done its work; then the post step runs. */
async function killDuringHold(
  ctx: DemoContext,
  hold: string
): Promise<{ mainResult: StepResult; postResult: StepResult }> {
  const runId = String(Date.now());
  const runnerTemp = ctx.dirOf('runner_temp');
  const file = ctx.dirOf('helm-hold');
  fs.rmSync(file, { force: true });
  const main = ctx.run({ label: 'deploy', runId, runnerTemp, env: holdingHelm(ctx, hold, file) });
  const held = await Promise.race([untilFile(file), main.done.then(() => false)]);
  if (!held) throw new Error(`the main step never reached the held command (${hold})`);
  ctx.note(
    `killing the main step (SIGKILL) while \`${fs.readFileSync(file, 'utf8').trim().slice(0, 60)}...\` returns`
  );
  main.kill('SIGKILL');
  const mainResult = await main.done;
  const post = ctx.run({ label: 'post', entry: ctx.postEntry, state: mainResult.state, runId, runnerTemp });
  const postResult = await post.done;
  return { mainResult, postResult };
}

async function afterKill(
  ctx: DemoContext,
  { mainResult, postResult }: { mainResult: StepResult; postResult: StepResult }
): Promise<Record<string, unknown>> {
  const canary = await readRelease(ctx, ctx.canaryRelease);
  const stable = await readRelease(ctx, ctx.stableRelease);
  return {
    savedPhase: mainResult.state.phase ?? null,
    postDecision: postResult.outputs.decision ?? null,
    postReason: postResult.outputs.reason ?? null,
    postExit: postResult.code,
    canaryPresentAfter: canary.exists,
    stableVersion: stable.exists ? stable.version : null,
    checkRunConclusion: ctx.checkRun(mainResult.checkRunId)?.conclusion ?? null
  };
}

const cancelPromotion: Scenario = {
  title: 'the runner kills the main step while `helm upgrade` of stable returns; the post step finishes',
  version: '2.9.0',
  expected: ['promoted'],
  set: [],
  stableMayChange: true,
  inputs: { steps: '20,50', soak: '6s', interval: '2s', 'min-canary-requests': '20', judge: 'threshold' },
  async run(ctx) {
    const runs = await killDuringHold(ctx, `^upgrade ${ctx.stableRelease} `);
    const fields = await afterKill(ctx, runs);
    ctx.fields(fields);
    if (fields.savedPhase !== 'promoting') ctx.fail(`saved phase ${fields.savedPhase}, expected promoting`);
    if (fields.stableVersion !== this.version) ctx.fail(`stable runs ${fields.stableVersion}`);
    if (fields.canaryPresentAfter) ctx.fail('the post step left the canary installed');
    return { result: runs.postResult, checkRunId: runs.mainResult.checkRunId };
  }
};

const cancelRollback: Scenario = {
  title: 'the judge rolls back a bad canary; the runner kills the main step mid-removal; the verdict stands',
  version: '3.9.0',
  expected: ['rolled-back'],
  set: ['faults.errorRate=0.3'],
  evidence: /5xx|error/i,
  inputs: { steps: '20,50', soak: '20s', interval: '2s' },
  async run(ctx) {
    // The removal's only Helm write is the uninstall (the weight went to 0 by a patch of the Ingress).
    const runs = await killDuringHold(ctx, `^uninstall ${ctx.canaryRelease} `);
    const fields = await afterKill(ctx, runs);
    ctx.fields(fields);
    if (fields.savedPhase !== 'rolling-back')
      ctx.fail(`saved phase ${fields.savedPhase}, expected rolling-back`);
    if (fields.canaryPresentAfter) ctx.fail('the post step left the canary installed');
    return { result: runs.postResult, checkRunId: runs.mainResult.checkRunId };
  }
};

export const OUTCOME_SCENARIOS: Record<string, Scenario> = {
  concurrent,
  'stable-vanishes': stableVanishes,
  'removal-fails': removalFails,
  'foreign-release': foreignRelease,
  'cancel-promotion': cancelPromotion,
  'cancel-rollback': cancelRollback
};
