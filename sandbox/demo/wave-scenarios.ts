// The demo's cluster-wave scenarios (issue 13): the reusable workflow .github/workflows/waves.yml run
// for real by the local runner (workflow-runner.ts) against two sandbox clusters (contexts a and b of
// one kubeconfig), called the way examples/waves.yml calls it; each wave's action is the committed
// bundle, run with the workflow's `with:` and `kube-context`, and its post step.
//   waves       a healthy version: wave 1 (cluster a), the bake time, wave 2 (cluster b); both promoted
//   waves-halt  a faulty version: rolled back in cluster a; wave 2 is skipped and cluster b is untouched
//               (no write request of the action's identity in b's audit log)
// Everything checked is read back from each cluster (Helm's release Secrets, the audit logs); the
// scenario's JSON gets `releases` (per cluster: decision, final weight, writes) and `workflow` (the jobs).
import fs from 'node:fs';
import path from 'node:path';
import { ACTION_USER } from '../control-plane/cluster.js';
import { diffSnapshots, type Snapshot } from '../loadgen/loadgen.js';
import { actionDefaults, type Inputs } from './action-runner.js';
import { countActionWrites } from './audit-writes.js';
import { readRelease } from './cluster-reads.js';
import type { DemoClusterSet, SetMember } from './cluster.js';
import { requireCommands } from './setup.js';
import type { DemoContext, Scenario, ScenarioOutcome, StepResult } from './types.js';
import type { Caller } from './workflow-file.js';
import { runWorkflow, type ActionCall, type JobRun, type WorkflowRun } from './workflow-runner.js';

const WORKFLOW = '.github/workflows/waves.yml';
/** How the workflow names the action it runs (`uses: upcommerce/canary-action@v1`): the bundle here. */
const ACTION = 'upcommerce/canary-action';
const BAKE_SECONDS = 10;

interface WaveSettings {
  readonly version: string;
  readonly values: readonly string[];
}

/** What one cluster shows after the workflow run, and what the action said there. */
interface ReleaseLine {
  cluster: string;
  release: string;
  /** The wave job that ran in this cluster, and its result (skipped: it never started). */
  job: string | null;
  jobResult: string;
  decision: string | null;
  reason: string | null;
  finalWeight: number | null;
  /** The action's `previous-revision` output. */
  previousRevision: string | null;
  stableRevisionBefore: number | null;
  stableRevisionAfter: number | null;
  stableVersionAfter: string | null;
  canaryLeft: boolean;
  actionStartedAt: string | null;
  actionEndedAt: string | null;
  jobEndedAt: string | null;
  /** Write requests of the action's identity in this cluster's audit log during the workflow run. */
  writesToCluster: number;
  writes: string[];
  requests: number;
  canaryBadRequests: number;
}

/** The caller's `with:` and `secrets:`, as examples/waves.yml passes them, pointed at the sandbox. */
function callerOf(ctx: DemoContext, set: DemoClusterSet, settings: WaveSettings): Caller {
  const waves = set.members.map((m, i) => ({
    name: `wave ${i + 1}`,
    // Each cluster is judged by its own Prometheus.
    targets: [{ context: m.context, 'prometheus-url': m.cluster.info.prometheus }]
  }));
  return {
    with: {
      waves: JSON.stringify(waves),
      'bake-time': `${BAKE_SECONDS}s`,
      'rollback-earlier-waves': true,
      release: ctx.stableRelease,
      namespace: ctx.namespace,
      chart: ctx.chart,
      values: settings.values.join('\n'),
      version: settings.version,
      steps: '50,100',
      soak: '30s',
      // The strict false-rollback rate the rest of the demo uses (JUDGE.md): a healthy wave must promote.
      alpha: '0.01'
    },
    // The action's own identity in both clusters, so each audit log tells its writes apart.
    secrets: { kubeconfig: fs.readFileSync(set.actionKubeconfig).toString('base64') }
  };
}

/**
 * The action's inputs in a wave job: the workflow's `with:` and action.yml's defaults for the rest, as on
 * GitHub; none of the demo's own inputs (interval, alpha...) leak in.
 */
function stepInputs(ctx: DemoContext, call: ActionCall): Inputs {
  const defaults = actionDefaults(path.join(ctx.repoRoot, 'action.yml'));
  const unset = Object.keys(ctx.inputs).filter((k) => !(k in call.with));
  return { ...Object.fromEntries(unset.map((k) => [k, defaults[k] ?? ''])), ...call.with };
}

const contextOf = (matrix: Record<string, unknown> | null): string | undefined =>
  (matrix?.target as { context?: string } | undefined)?.context;

async function stableRevision(
  ctx: DemoContext,
  member: SetMember
): Promise<{ revision: number; version: string | null } | null> {
  const stable = await readRelease({ ...ctx, client: member.cluster }, ctx.stableRelease);
  return stable.exists ? { revision: stable.revision, version: stable.version } : null;
}

async function runWaves(
  ctx: DemoContext,
  settings: WaveSettings
): Promise<{
  set: DemoClusterSet;
  workflow: WorkflowRun;
  lines: ReleaseLine[];
  mains: Map<string, StepResult>;
}> {
  requireCommands(['bash', 'jq', 'base64'], `the scenario runs ${WORKFLOW}'s scripts`);
  const set = ctx.clusterSet;
  if (!set || set.members.length < 2) throw new Error('the wave scenarios need two clusters (clusters: 2)');
  const before = await Promise.all(set.members.map((m) => stableRevision(ctx, m)));
  const load: Snapshot[] = set.members.map((m) => m.loadgen!.snapshot());
  const since = Date.now();
  const runId = String(since);
  const mains = new Map<string, StepResult>();
  const log = path.join(ctx.dirOf('workflow.log'));
  const workflow = await runWorkflow({
    workflowFile: path.join(ctx.repoRoot, WORKFLOW),
    caller: callerOf(ctx, set, settings),
    action: ACTION,
    workDir: ctx.dirOf('workflow'),
    env: ctx.env,
    github: { run_id: runId },
    hooks: {
      startAction(call) {
        const context = contextOf(call.matrix) ?? call.job;
        const handle = ctx.run({
          label: `${call.job}-${context}`,
          with: stepInputs(ctx, call),
          env: call.env,
          runId,
          runnerTemp: call.runnerTemp
        });
        return {
          done: handle.done.then((result) => {
            mains.set(context, result);
            return result;
          }),
          cancel: () => handle.cancel()
        };
      },
      runPost: (call, main) =>
        ctx.run({
          label: `${call.job}-${contextOf(call.matrix) ?? call.job}-post`,
          entry: ctx.postEntry,
          with: stepInputs(ctx, call),
          state: main.state,
          env: call.env,
          runId,
          runnerTemp: call.runnerTemp
        }).done,
      log(line) {
        fs.appendFileSync(log, `${new Date().toISOString()} ${line}\n`);
        // Job-level lines on the timeline; step output stays in workflow.log.
        if (!line.includes(' / ')) ctx.note(`workflow: ${line}`);
      }
    }
  });
  const until = Date.now();
  const lines: ReleaseLine[] = [];
  for (const [i, member] of set.members.entries()) {
    const job = workflow.runs.find((r) => contextOf(r.matrix) === member.context);
    const main = mains.get(member.context);
    const after = await stableRevision(ctx, member);
    const canary = await readRelease({ ...ctx, client: member.cluster }, ctx.canaryRelease);
    const writes = countActionWrites(member.cluster.info.auditLog, ACTION_USER, since, until);
    const traffic = diffSnapshots(load[i], member.loadgen!.snapshot()).tracks;
    const tracks = Object.values(traffic);
    const canaryTrack = traffic.canary;
    lines.push({
      cluster: member.context,
      release: ctx.stableRelease,
      job: job?.job ?? waveJobOf(workflow, i) ?? null,
      jobResult: job?.result ?? workflow.results[waveJobOf(workflow, i) ?? ''] ?? 'not run',
      decision: main?.outputs.decision ?? null,
      reason: main?.outputs.reason ?? null,
      finalWeight: main?.outputs['final-weight'] ? Number(main.outputs['final-weight']) : null,
      previousRevision: main?.outputs['previous-revision'] ?? null,
      stableRevisionBefore: before[i]?.revision ?? null,
      stableRevisionAfter: after?.revision ?? null,
      stableVersionAfter: after?.version ?? null,
      canaryLeft: canary.exists,
      actionStartedAt: main ? new Date(main.startedAt).toISOString() : null,
      actionEndedAt: main ? new Date(main.endedAt).toISOString() : null,
      jobEndedAt: job?.endedAt ? new Date(job.endedAt).toISOString() : null,
      writesToCluster: writes.writes,
      writes: writes.requests,
      requests: tracks.reduce((n, t) => n + t.requests, 0),
      canaryBadRequests: canaryTrack
        ? canaryTrack.status5xx + canaryTrack.upstreamFailures + canaryTrack.checkoutsFailed
        : 0
    });
  }
  ctx.details.workflow = workflow;
  ctx.details.releases = lines;
  ctx.fields({
    releases: lines.map(({ cluster, release, decision, finalWeight, writesToCluster, jobResult }) => ({
      cluster,
      release,
      decision,
      finalWeight,
      writesToCluster,
      jobResult
    })),
    workflow: {
      conclusion: workflow.conclusion,
      jobs: workflow.runs.map((r) => ({ job: r.job, name: r.name, result: r.result }))
    },
    // Every cluster's writes (each cluster's own are in `releases`).
    writesToCluster: lines.reduce((n, l) => n + l.writesToCluster, 0)
  });
  ctx.note(
    lines
      .map(
        (l) =>
          `cluster ${l.cluster}: ${l.decision ?? `not run (${l.jobResult})`}, ${l.writesToCluster} writes`
      )
      .join('; ')
  );
  // No canary is left in a cluster for the next scenario (the demo itself cleans up cluster a only).
  for (const [i, line] of lines.entries()) {
    if (!line.canaryLeft || i === 0) continue;
    ctx.fail(`the canary release is left installed in cluster ${line.cluster}`);
    await ctx.helm([
      'uninstall',
      ctx.canaryRelease,
      '--namespace',
      ctx.namespace,
      '--kube-context',
      line.cluster,
      '--wait'
    ]);
  }
  return { set, workflow, lines, mains };
}

/** The wave job that holds the i-th wave (wave-1, wave-2...), as the workflow names them. */
function waveJobOf(workflow: WorkflowRun, index: number): string | undefined {
  return Object.keys(workflow.results).find((job) => job === `wave-${index + 1}`);
}

const jobOf = (workflow: WorkflowRun, job: string): JobRun | undefined =>
  workflow.runs.find((r) => r.job === job);
const ms = (iso: string | null): number => (iso ? Date.parse(iso) : NaN);

export const WAVE_SCENARIOS: Record<string, Scenario> = {
  waves: {
    title: `a healthy v2.20 through ${WORKFLOW}: wave 1 in cluster a, a ${BAKE_SECONDS} s bake, wave 2 in cluster b`,
    version: '2.20.0',
    expected: ['promoted'],
    set: [],
    clusters: 2,
    async run(ctx): Promise<ScenarioOutcome> {
      const { set, workflow, lines, mains } = await runWaves(ctx, {
        version: this.version,
        values: [ctx.valuesFile]
      });
      const [a, b] = lines;
      if (workflow.conclusion !== 'success') ctx.fail(`the workflow concluded ${workflow.conclusion}`);
      for (const line of lines) {
        if (line.decision !== 'promoted')
          ctx.fail(`cluster ${line.cluster}: decision ${line.decision}, expected promoted`);
        if (line.stableVersionAfter !== this.version)
          ctx.fail(
            `cluster ${line.cluster}: stable runs ${line.stableVersionAfter}, expected ${this.version}`
          );
        if (line.stableRevisionBefore === null || line.stableRevisionAfter !== line.stableRevisionBefore + 1)
          ctx.fail(
            `cluster ${line.cluster}: stable revision ${line.stableRevisionBefore} -> ${line.stableRevisionAfter}, expected one more`
          );
        // The output a later job rolls back to is the revision the cluster showed before.
        if (line.previousRevision !== String(line.stableRevisionBefore))
          ctx.fail(
            `cluster ${line.cluster}: previous-revision ${line.previousRevision}, stable was at ${line.stableRevisionBefore}`
          );
        if (line.finalWeight !== 100)
          ctx.fail(`cluster ${line.cluster}: final weight ${line.finalWeight}, expected 100`);
        if (line.canaryLeft) ctx.fail(`cluster ${line.cluster}: the canary is left installed`);
        if (line.writesToCluster === 0)
          ctx.fail(`cluster ${line.cluster}: no write of the action in its audit log`);
      }
      // Wave 2 starts after wave 1's job ended, and at least the bake time after its action did.
      const gap = (ms(b.actionStartedAt) - ms(a.actionEndedAt)) / 1000;
      ctx.details.waveGapSeconds = gap;
      if (!(ms(b.actionStartedAt) >= ms(a.jobEndedAt)))
        ctx.fail(`cluster b's action started ${b.actionStartedAt}, before wave 1 ended ${a.jobEndedAt}`);
      if (!(gap >= BAKE_SECONDS))
        ctx.fail(`only ${gap} s between wave 1's action and wave 2's, bake ${BAKE_SECONDS} s`);
      if (jobOf(workflow, 'rollback-earlier-waves')?.result !== 'skipped')
        ctx.fail('rollback-earlier-waves ran although no wave failed');
      const deciding = mains.get(b.cluster);
      return { result: deciding, cluster: set.members[1].cluster };
    }
  },
  'waves-halt': {
    title: `a faulty v3.20 (8% 5xx, +250 ms) through ${WORKFLOW}: rolled back in cluster a, cluster b untouched`,
    version: '3.20.0',
    expected: ['rolled-back'],
    set: [],
    clusters: 2,
    evidence: /5xx|error/i,
    async run(ctx): Promise<ScenarioOutcome> {
      const { set, workflow, lines, mains } = await runWaves(ctx, {
        version: this.version,
        values: [ctx.valuesFile, 'sandbox/demo/waves-faulty-values.yaml']
      });
      const [a, b] = lines;
      if (a.decision !== 'rolled-back') ctx.fail(`cluster a: decision ${a.decision}, expected rolled-back`);
      if (a.stableRevisionAfter !== a.stableRevisionBefore)
        ctx.fail(`cluster a: stable revision ${a.stableRevisionBefore} -> ${a.stableRevisionAfter}`);
      if (a.canaryLeft) ctx.fail('cluster a: the canary is left installed');
      if (a.writesToCluster === 0)
        ctx.fail('cluster a: no write of the action in its audit log (is it recorded?)');
      if (workflow.conclusion !== 'failure')
        ctx.fail(`the workflow concluded ${workflow.conclusion}, expected failure`);
      // Cluster b: its wave never started, and nothing of the action's reached it.
      if (jobOf(workflow, 'wave-2')?.result !== 'skipped')
        ctx.fail(`wave 2 was ${jobOf(workflow, 'wave-2')?.result}, expected skipped`);
      if (b.decision !== null) ctx.fail(`cluster b: the action ran there (decision ${b.decision})`);
      if (b.writesToCluster !== 0)
        ctx.fail(`cluster b: ${b.writesToCluster} write requests of the action: ${b.writes.join(', ')}`);
      if (b.stableRevisionAfter !== b.stableRevisionBefore)
        ctx.fail(`cluster b: stable revision ${b.stableRevisionBefore} -> ${b.stableRevisionAfter}`);
      if (b.canaryLeft) ctx.fail('cluster b: a canary is installed');
      // Asked to roll earlier waves back, the workflow's last job runs and finds no wave that promoted.
      if (jobOf(workflow, 'rollback-earlier-waves')?.result !== 'success')
        ctx.fail(
          `rollback-earlier-waves: ${jobOf(workflow, 'rollback-earlier-waves')?.result}, expected success`
        );
      return { result: mains.get(a.cluster), cluster: set.members[0].cluster };
    }
  }
};
