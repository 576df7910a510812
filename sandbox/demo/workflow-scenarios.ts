// The demo's workflow scenarios (issue 7): what release engineers do to a canary from their
// workflows, each a sequence of real runs of the action bundle against the sandbox:
//   cancel    the runner cancels the job during step 2, then runs the post step with the saved state
//   manual    decision: manual pauses at the first weight; a second workflow run promotes; a third
//             asks for the status
//   resume    the runner dies (kill -9, no post step) mid-soak; a re-run of the same workflow run
//             deploys the same version again and carries on from the canary's weight
//   conflict  while one run drives a v2 canary, a second run's deploy of v3 is refused and changes nothing
// Each scenario's `run(ctx)` returns which run carries the scenario's decision (see demo.ts), and
// writes what it checked into details.json under the scenario's name.

import type { HelmRevision } from './helm-releases.js';
import { canaryIngressWeight, readMarks } from './cluster-reads.js';
import type { DemoContext, Scenario, StartRunOptions, StepHandle, StepResult } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface CanarySnapshot {
  revisions: number;
  revision: number;
  status: string;
  version: string | null;
  weight: number | null;
  /** The ownership marks, from the Lease beside the canary release. */
  marks: Record<string, string> | null;
  values: HelmRevision['config'];
}

interface StableRevision {
  revision: number;
  status: string;
  version: string | null;
}

/** The canary release as Helm stores it in the cluster (latest revision, weight, values) and its marks. */
async function canarySnapshot(ctx: DemoContext): Promise<CanarySnapshot | null> {
  const rel = await ctx.client.release(ctx.namespace, ctx.canaryRelease);
  const last = rel?.revisions.at(-1);
  if (!rel || !last) return null;
  return {
    revisions: rel.revisions.length,
    revision: last.version,
    status: last.info.status,
    version: last.config?.image?.tag ?? null,
    // ingress-nginx keeps the weight on the canary's Ingress; other routings in the values.
    weight: (await canaryIngressWeight(ctx, ctx.canaryRelease)) ?? last.config?.canary?.weight ?? null,
    marks: await readMarks(ctx, ctx.canaryRelease),
    values: last.config
  };
}

/** The stable release's revisions (number, status, version). */
async function stableSnapshot(ctx: DemoContext): Promise<StableRevision[]> {
  const rel = await ctx.client.release(ctx.namespace, ctx.stableRelease);
  return (rel?.revisions ?? []).map((r) => ({
    revision: r.version,
    status: r.info.status,
    version: r.config?.image?.tag ?? null
  }));
}

/** Waits until the canary is deployed at `weight` (the action's patch or Helm upgrade finished). */
async function canaryAtWeight(ctx: DemoContext, weight: number, timeoutMs = 90000): Promise<CanarySnapshot> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const canary = await canarySnapshot(ctx);
    if (canary?.status === 'deployed' && Number(canary.weight) === weight) return canary;
    await sleep(200);
  }
  throw new Error(`the canary never reached weight ${weight} within ${timeoutMs / 1000} s`);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The runner's cancellation of a job: SIGINT to the main step (SIGTERM 7.5 s later, SIGKILL 2.5 s
 * after), then the post step (post-if: always()) with the main step's saved state, the same inputs,
 * the same run id and the same RUNNER_TEMP.
 */
async function cancelLikeRunner(
  ctx: DemoContext,
  main: StepHandle,
  { runId, runnerTemp, with: inputs }: Pick<StartRunOptions, 'runId' | 'runnerTemp' | 'with'>
): Promise<{ mainResult: StepResult; postResult: StepResult }> {
  main.cancel();
  const mainResult = await main.done;
  const post = ctx.run({
    label: 'post',
    entry: ctx.postEntry,
    with: inputs,
    state: mainResult.state,
    runId,
    runnerTemp
  });
  return { mainResult, postResult: await post.done };
}

export const WORKFLOW_SCENARIOS: Record<string, Scenario> = {
  cancel: {
    title: 'the runner cancels the job during step 2 (SIGINT), then runs the post step',
    version: '2.3.0',
    expected: ['cancelled'],
    set: [],
    inputs: { steps: '10,50,100', soak: '8s', interval: '2s', 'min-canary-requests': '30' },
    async run(ctx) {
      const check: Record<string, unknown> = (ctx.details.cancel = {});
      const stableBefore = await stableSnapshot(ctx);
      const runId = String(Date.now());
      const runnerTemp = `${ctx.dirOf('runner_temp')}`;
      const main = ctx.run({ label: 'deploy', runId, runnerTemp });
      // During step 2: its weight is applied and it has soaked a few seconds.
      const atStep2 = await Promise.race([canaryAtWeight(ctx, 50), main.done.then(() => null)]);
      if (!atStep2) throw new Error('the deploy run ended before step 2');
      await sleep(3000);
      check.weightAtSignal = (await canarySnapshot(ctx))?.weight ?? null;
      ctx.note(`runner cancels the job at ${check.weightAtSignal}%: SIGINT to the main step`);
      const { mainResult, postResult } = await cancelLikeRunner(ctx, main, { runId, runnerTemp });
      const canaryAfter = await canarySnapshot(ctx);
      const stableAfter = await stableSnapshot(ctx);
      Object.assign(check, {
        // Reported, not asserted: how long the main step took to stop after SIGINT.
        secondsFromSignalToExit: (mainResult.endedAt - (mainResult.cancelledAt ?? NaN)) / 1000,
        mainExit: { code: mainResult.code, signal: mainResult.signal },
        mainDecision: mainResult.outputs.decision ?? null,
        savedPhase: mainResult.state.phase ?? null,
        postExit: postResult.code,
        canaryRemoved: canaryAfter === null,
        stableUnchanged: same(stableBefore, stableAfter),
        checkRunConclusion: ctx.checkRun(mainResult.checkRunId)?.conclusion ?? null
      });
      ctx.note(
        `main step exited ${mainResult.code ?? mainResult.signal} in phase "${check.savedPhase}"; ` +
          `post step exited ${postResult.code}; canary ${check.canaryRemoved ? 'removed' : 'STILL INSTALLED'}; ` +
          `check run ${check.checkRunConclusion}`
      );
      if (check.weightAtSignal !== 50)
        ctx.fail(`SIGINT was sent at ${check.weightAtSignal}%, not during step 2 (50%)`);
      if (!check.canaryRemoved) ctx.fail('the post step left the canary installed');
      if (!check.stableUnchanged) ctx.fail('the stable release was modified by the cancellation');
      if (check.checkRunConclusion !== 'cancelled')
        ctx.fail(`check run concluded ${check.checkRunConclusion}, expected cancelled`);
      return {
        result: mainResult,
        reportPath: mainResult.outputs.report ?? mainResult.state['record-path'],
        summaryPath: postResult.files.summary,
        checkRunId: mainResult.checkRunId
      };
    }
  },

  manual: {
    title: 'decision: manual pauses at the first weight; a second run promotes; a third asks for status',
    version: '2.4.0',
    expected: ['promoted'],
    set: [],
    inputs: { steps: '25,100', soak: '8s', interval: '2s', decision: 'manual' },
    async run(ctx) {
      const check: Record<string, unknown> = (ctx.details.manual = {});
      const paused = await ctx.run({ label: 'deploy-manual' }).done;
      const canaryPaused = await canarySnapshot(ctx);
      Object.assign(check, {
        pausedDecision: paused.outputs.decision ?? null,
        pausedExit: paused.code,
        pausedWeight: canaryPaused?.weight ?? null,
        pausedMarks: canaryPaused?.marks ?? null,
        pausedConclusion: ctx.checkRun(paused.checkRunId)?.conclusion ?? null
      });
      ctx.note(
        `run 1: ${check.pausedDecision} at ${check.pausedWeight}% (check run ${check.pausedConclusion})`
      );
      if (check.pausedDecision !== 'paused')
        ctx.fail(`run 1 decided ${check.pausedDecision}, expected paused`);
      if (check.pausedConclusion !== 'action_required')
        ctx.fail(`run 1's check run is ${check.pausedConclusion}, expected action_required`);

      // A different workflow run (workflow_dispatch, command: promote); the version is read back from
      // the canary release.
      const promoted = await ctx.run({ label: 'promote', with: { command: 'promote', version: '' } }).done;
      const stable = await stableSnapshot(ctx);
      Object.assign(check, {
        promoteDecision: promoted.outputs.decision ?? null,
        promoteExit: promoted.code,
        promoteConclusion: ctx.checkRun(promoted.checkRunId)?.conclusion ?? null,
        stableVersionAfter: stable.at(-1)?.version ?? null,
        canaryRemoved: (await canarySnapshot(ctx)) === null
      });
      ctx.note(
        `run 2 (promote): ${check.promoteDecision}; stable runs ${check.stableVersionAfter}; ` +
          `canary ${check.canaryRemoved ? 'removed' : 'STILL INSTALLED'}`
      );
      if (check.stableVersionAfter !== this.version)
        ctx.fail(`stable runs ${check.stableVersionAfter} after the promotion, expected ${this.version}`);

      const status = await ctx.run({ label: 'status', with: { command: 'status', version: '' } }).done;
      Object.assign(check, {
        statusOutput: status.outputs.status ?? null,
        statusDecision: status.outputs.decision ?? null,
        statusExit: status.code
      });
      ctx.note(`run 3 (status): status "${check.statusOutput}"`);
      if (check.statusOutput !== 'none') ctx.fail(`status output "${check.statusOutput}", expected none`);
      return { result: promoted };
    }
  },

  resume: {
    title: 'the runner dies mid-soak (kill -9, no post step); a re-run deploys the same version again',
    version: '2.5.0',
    expected: ['promoted', 'rolled-back'],
    set: [],
    inputs: { steps: '10,50,100', soak: '8s', interval: '2s', 'min-canary-requests': '30' },
    async run(ctx) {
      const check: Record<string, unknown> = (ctx.details.resume = {});
      // A re-run of the same workflow run keeps GITHUB_RUN_ID: the lock's holder, so it may take over.
      const runId = String(Date.now());
      const first = ctx.run({ label: 'deploy', runId });
      const atStep2 = await Promise.race([canaryAtWeight(ctx, 50), first.done.then(() => null)]);
      if (!atStep2) throw new Error('the deploy run ended before step 2');
      await sleep(3000);
      ctx.note('the runner dies: kill -9 of the main step mid-soak (no post step)');
      first.kill('SIGKILL');
      const killed = await first.done;
      const left = await canarySnapshot(ctx);
      Object.assign(check, {
        killSignal: killed.signal,
        canaryAfterKill: left && { weight: left.weight, revision: left.revision, marks: left.marks }
      });
      if (!left) throw new Error('the canary vanished after kill -9');
      await sleep(2000);

      const resumed = await ctx.run({ label: 'deploy-rerun', runId, runAttempt: '2' }).done;
      const since = Date.parse(String(ctx.details.runs.at(-1)?.startedAt));
      const ops = ctx.client
        .events()
        .filter(
          (e) =>
            e.release === ctx.canaryRelease &&
            Date.parse(e.at) >= since &&
            ['install', 'upgrade'].includes(e.op)
        );
      const resumeLine = /continuing at step \d+ \(\d+%\)/.exec(resumed.stdout)?.[0] ?? null;
      Object.assign(check, {
        decision: resumed.outputs.decision ?? null,
        exit: resumed.code,
        resumeLine,
        firstOpOfRerun: ops[0] ? { op: ops[0].op, weight: ops[0].weight, revision: ops[0].revision } : null,
        installedAgain: ops.some((e) => e.op === 'install'),
        canaryRemoved: (await canarySnapshot(ctx)) === null,
        // The killed run's check run was left in progress; the re-run must finish that one.
        killedRunCheckRunId: killed.checkRunId ?? null,
        rerunCheckRunId: resumed.checkRunId ?? null,
        killedRunCheckRunConclusion: ctx.checkRun(killed.checkRunId)?.conclusion ?? null
      });
      ctx.note(
        `re-run: "${resumeLine}", ${ops[0] ? `first Helm operation ${ops[0].op} at ${ops[0].weight}%` : 'no Helm write to the canary'}; ${String(check.decision)}`
      );
      if (check.installedAgain) ctx.fail('the re-run installed the canary again instead of resuming it');
      if (!check.killedRunCheckRunConclusion)
        ctx.fail(`the killed run's check run ${check.killedRunCheckRunId} was left without a conclusion`);
      if (!resumeLine || !resumeLine.includes(`(${left.weight}%)`))
        ctx.fail(`the re-run did not say it continues at the canary's ${left.weight}%`);
      return { result: resumed };
    }
  },

  conflict: {
    title: 'while a run drives a v2.6 canary, another run deploys v3.6: refused, nothing changes',
    version: '2.6.0',
    expected: ['refused'],
    set: [],
    // A long soak keeps the first run in flight (holding the lock) for the whole scenario.
    inputs: { steps: '10,100', soak: '120s', interval: '2s' },
    async run(ctx) {
      const check: Record<string, unknown> = (ctx.details.conflict = {});
      const runId = String(Date.now());
      const runnerTemp = ctx.dirOf('runner_temp');
      const driving = ctx.run({ label: 'deploy-v2', runId, runnerTemp });
      const started = await Promise.race([canaryAtWeight(ctx, 10), driving.done.then(() => null)]);
      if (!started) throw new Error('the v2.6 deploy ended before its canary was up');
      await sleep(2000);
      const canaryBefore = await canarySnapshot(ctx);
      const stableBefore = await stableSnapshot(ctx);

      const refusedAt = Date.now();
      const refused = await ctx.run({ label: 'deploy-v3', with: { version: '3.6.0' } }).done;
      const canaryAfter = await canarySnapshot(ctx);
      const stableAfter = await stableSnapshot(ctx);
      Object.assign(check, {
        decision: refused.outputs.decision ?? null,
        exit: refused.code,
        reason: refused.outputs.reason ?? null,
        conclusion: ctx.checkRun(refused.checkRunId)?.conclusion ?? null,
        canaryBefore: canaryBefore && { revision: canaryBefore.revision, version: canaryBefore.version },
        canaryAfter: canaryAfter && { revision: canaryAfter.revision, version: canaryAfter.version },
        canaryUnchanged: same(canaryBefore, canaryAfter),
        stableUnchanged: same(stableBefore, stableAfter)
      });
      ctx.note(
        `v3.6 deploy: ${check.decision} (${check.reason}); canary ${check.canaryUnchanged ? 'unchanged' : 'CHANGED'}, ` +
          `stable ${check.stableUnchanged ? 'unchanged' : 'CHANGED'}`
      );
      if (!check.canaryUnchanged) ctx.fail('the refused deploy changed the canary release');
      if (!check.stableUnchanged) ctx.fail('the refused deploy changed the stable release');

      // Clean up as a user would: cancel the v2.6 run (the runner's signals, then its post step).
      ctx.note('cancelling the v2.6 run to clean up');
      const { postResult } = await cancelLikeRunner(ctx, driving, { runId, runnerTemp });
      check.cleanup = { postExit: postResult.code, canaryRemoved: (await canarySnapshot(ctx)) === null };
      return { result: refused, decisionSince: refusedAt };
    }
  }
};
