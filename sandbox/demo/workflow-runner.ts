// A small local runner of a reusable workflow's job graph (`on: workflow_call`), for the demo's wave
// scenarios: it reads the workflow file itself, so what it runs is the real workflow, not a copy of its
// logic. Like GitHub's runner it
//   - checks the caller's `with:` and `secrets:` against workflow_call (workflow-file.ts);
//   - starts each job once every job it `needs` has finished, and evaluates the job's `if:` (success()
//     implied) with GitHub's expression library (workflow-expressions.ts);
//   - expands `strategy.matrix`, runs the matrix jobs side by side, and with fail-fast cancels the others
//     when one fails (their action's post step still runs);
//   - runs each step in order: `run:` with bash -e and the step's env in the job's own directory (its
//     workspace), GITHUB_OUTPUT read back; `uses:` of the action under test through a hook (the demo
//     runs dist/index.js), and its post step at the end of the job (post-if: always()); a few
//     well-known actions locally (workflow-local-actions.ts);
//   - fills `steps.<id>.outputs`, job outputs and `needs.<job>.result`.
// Not emulated: runners (all jobs run here), environments' reviewers (logged), timeouts, concurrency.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseCommandFile } from './action-runner.js';
import {
  callerContexts,
  jobOrder,
  matrixCombinations,
  needsOf,
  readWorkflow,
  type Caller,
  type WorkflowJob
} from './workflow-file.js';
import { LOCAL_ACTIONS, usesName } from './workflow-local-actions.js';
import {
  condition,
  evaluateField,
  evaluateString,
  type Contexts,
  type Status
} from './workflow-expressions.js';

export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';
type StepOutcome = 'success' | 'failure' | 'cancelled' | 'skipped';

/** One `uses:` of the action under test, as the hook gets it. */
export interface ActionCall {
  readonly job: string;
  /** The job's name with its matrix filled in, e.g. "wave 1 (a)". */
  readonly jobName: string;
  readonly step: string;
  readonly with: Record<string, string>;
  readonly env: Record<string, string>;
  readonly runnerTemp: string;
  readonly matrix: Record<string, unknown>;
}

export interface ActionOutcome {
  readonly code: number | null;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
}

export interface ActionHandle {
  readonly done: Promise<ActionOutcome>;
  /** The runner's cancellation of the job (fail-fast, a cancelled run). */
  cancel(): void;
}

export interface RunnerHooks {
  /** The action's main step. */
  startAction(call: ActionCall): ActionHandle;
  /** Its post step, with the main step's saved state. */
  runPost(call: ActionCall, main: ActionOutcome): Promise<ActionOutcome>;
  log(line: string): void;
}

export interface StepRecord {
  readonly name: string;
  readonly outcome: StepOutcome;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly outputs: Record<string, string>;
}

export interface JobRun {
  readonly job: string;
  readonly name: string;
  readonly matrix: Record<string, unknown> | null;
  readonly environment: string | null;
  readonly result: JobResult;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly steps: readonly StepRecord[];
}

export interface WorkflowRun {
  /** Every job run (a matrix job once per combination), in the order they started. */
  readonly runs: readonly JobRun[];
  /** `needs.<job>.result` of each job. */
  readonly results: Readonly<Record<string, JobResult>>;
  readonly conclusion: 'success' | 'failure' | 'cancelled';
}

export interface RunOptions {
  readonly workflowFile: string;
  readonly caller: Caller;
  /** The action under test, as workflows name it (`owner/repo`, any ref); `./` works too. */
  readonly action: string;
  readonly hooks: RunnerHooks;
  /** Per-job RUNNER_TEMP, GITHUB_OUTPUT files and artifacts go here. */
  readonly workDir: string;
  /** The env every step gets (PATH with Helm and jq, KUBECONFIG...). */
  readonly env: Record<string, string | undefined>;
  readonly github?: Record<string, string>;
}

/** Runs a `run:` step's script with bash -e (GitHub's default shell on Linux). */
function runScript(
  script: string,
  env: Record<string, string | undefined>,
  cwd: string,
  log: (line: string) => void
): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log));
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code));
  });
}

export async function runWorkflow(options: RunOptions): Promise<WorkflowRun> {
  const { workflowFile, hooks } = options;
  const workflow = readWorkflow(workflowFile);
  const jobs = workflow.jobs!;
  const { inputs, secrets } = callerContexts(workflow, options.caller, workflowFile);
  jobOrder(jobs); // a named error for an unknown need or a cycle, before anything runs
  const artifacts = path.join(options.workDir, 'artifacts');
  const github = {
    repository: 'upcommerce/storefront',
    ref_name: 'main',
    run_id: String(Date.now()),
    ...options.github
  };
  const base: Contexts = { github, inputs, secrets, vars: {} };
  const results: Record<string, JobResult> = {};
  const outputs: Record<string, Record<string, string>> = {};
  const runs: JobRun[] = [];
  const finished: Record<string, Promise<void>> = {};

  const runJob = async (id: string): Promise<void> => {
    const job = jobs[id];
    if (job.uses) throw new Error(`job ${id}: calls another workflow (${job.uses}); not supported here`);
    await Promise.all(needsOf(job).map((need) => finished[need]));
    const needs = Object.fromEntries(
      needsOf(job).map((need) => [need, { result: results[need], outputs: outputs[need] ?? {} }])
    );
    // A skipped need skips the job under success() too, as on GitHub, but is no failure().
    const needStatus: Status = {
      failed: needsOf(job).some((n) => results[n] === 'failure'),
      cancelled: needsOf(job).some((n) => results[n] === 'cancelled'),
      skipped: needsOf(job).some((n) => results[n] === 'skipped')
    };
    const jobContexts: Contexts = { ...base, needs };
    if (!condition(job.if, jobContexts, needStatus)) {
      const needResults = needsOf(job).map((n) => `${n} ${results[n]}`);
      hooks.log(`${id}: skipped (if: ${job.if ?? 'success()'}; needs: ${needResults.join(', ') || 'none'})`);
      results[id] = 'skipped';
      runs.push({
        job: id,
        name: id,
        matrix: null,
        environment: null,
        result: 'skipped',
        startedAt: null,
        endedAt: null,
        steps: []
      });
      return;
    }
    const matrixSpec = job.strategy?.matrix
      ? Object.fromEntries(
          Object.entries(job.strategy.matrix).map(([k, v]) => [k, evaluateField(v, jobContexts)])
        )
      : undefined;
    const combinations = matrixSpec ? matrixCombinations(matrixSpec, id) : [null];
    const failFast = job.strategy?.['fail-fast'] ?? true;
    const cancels = new Map<number, () => void>();
    let groupFailed = false;
    const jobRuns = await Promise.all(
      combinations.map((matrix, index) =>
        runMatrixJob({
          id,
          job,
          matrix,
          index,
          total: combinations.length,
          contexts: jobContexts,
          onCancel: (cancel) => cancels.set(index, cancel),
          cancelledByGroup: () => groupFailed,
          onFailure: () => {
            if (!failFast || groupFailed) return;
            groupFailed = true;
            hooks.log(`${id}: a matrix job failed; fail-fast cancels the others`);
            for (const [other, cancel] of cancels) if (other !== index) cancel();
          }
        }).then((run) => {
          // The job's outputs: the last matrix job to set them wins, as on GitHub.
          if (run.outputs) outputs[id] = { ...outputs[id], ...run.outputs };
          return run.run;
        })
      )
    );
    runs.push(...jobRuns);
    results[id] = jobRuns.some((r) => r.result === 'failure')
      ? 'failure'
      : jobRuns.some((r) => r.result === 'cancelled')
        ? 'cancelled'
        : 'success';
  };

  const runMatrixJob = async (o: {
    id: string;
    job: WorkflowJob;
    matrix: Record<string, unknown> | null;
    index: number;
    total: number;
    contexts: Contexts;
    onCancel: (cancel: () => void) => void;
    cancelledByGroup: () => boolean;
    onFailure: () => void;
  }): Promise<{ run: JobRun; outputs?: Record<string, string> }> => {
    const { id, job } = o;
    const dir = path.join(options.workDir, `${id}${o.matrix ? `-${o.index}` : ''}`);
    const runnerTemp = path.join(dir, 'runner_temp');
    fs.mkdirSync(runnerTemp, { recursive: true });
    const strategy = {
      'job-index': o.index,
      'job-total': o.total,
      'fail-fast': job.strategy?.['fail-fast'] ?? true
    };
    let contexts: Contexts = {
      ...o.contexts,
      matrix: o.matrix ?? {},
      strategy,
      runner: { temp: runnerTemp, os: 'Linux' },
      steps: {}
    };
    const jobEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...workflow.env, ...job.env }))
      jobEnv[k] = evaluateString(v, contexts);
    contexts = { ...contexts, env: jobEnv };
    const name = job.name ? evaluateString(job.name, contexts) : id;
    const environment =
      job.environment === undefined
        ? null
        : evaluateString(
            typeof job.environment === 'string' ? job.environment : job.environment.name,
            contexts
          );
    if (environment)
      hooks.log(`${name}: environment ${environment} (no reviewers in the sandbox: not waited for)`);
    const startedAt = Date.now();
    hooks.log(`${name}: started`);
    const stepRecords: StepRecord[] = [];
    const stepsContext: Record<
      string,
      { outputs: Record<string, string>; outcome: string; conclusion: string }
    > = {};
    const posts: Array<() => Promise<ActionOutcome>> = [];
    let failed = false;
    let cancelled = false;
    let cancelRunning: (() => void) | undefined;
    o.onCancel(() => {
      cancelled = true;
      cancelRunning?.();
    });
    if (o.cancelledByGroup()) cancelled = true;

    for (const [i, step] of (job.steps ?? []).entries()) {
      const stepName = step.name
        ? evaluateString(step.name, { ...contexts, steps: stepsContext })
        : (step.uses ?? `step ${i + 1}`);
      const stepContexts: Contexts = { ...contexts, steps: stepsContext };
      const record = (
        outcome: StepOutcome,
        started: number | null,
        outs: Record<string, string> = {}
      ): void => {
        stepRecords.push({
          name: stepName,
          outcome,
          startedAt: started,
          endedAt: started === null ? null : Date.now(),
          outputs: outs
        });
        if (step.id) stepsContext[step.id] = { outputs: outs, outcome, conclusion: outcome };
        if (outcome === 'failure') failed = true;
      };
      if (!condition(step.if, stepContexts, { failed, cancelled })) {
        record(cancelled ? 'cancelled' : 'skipped', null);
        continue;
      }
      const started = Date.now();
      const env: Record<string, string> = { ...jobEnv };
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluateString(v, stepContexts);
      const withInputs: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.with ?? {})) withInputs[k] = evaluateString(v, stepContexts);
      try {
        if (step.run !== undefined) {
          if (step.shell && step.shell !== 'bash')
            throw new Error(`${name} / ${stepName}: shell ${step.shell} is not supported here`);
          const outputFile = path.join(dir, `step-${i + 1}-output`);
          fs.writeFileSync(outputFile, '');
          const code = await runScript(
            evaluateString(step.run, stepContexts),
            {
              ...options.env,
              ...env,
              RUNNER_TEMP: runnerTemp,
              GITHUB_OUTPUT: outputFile,
              GITHUB_WORKSPACE: dir,
              CI: 'true'
            },
            dir,
            (line) => hooks.log(`${name} / ${stepName}: ${line}`)
          );
          record(code === 0 ? 'success' : 'failure', started, parseCommandFile(outputFile));
          if (code !== 0) hooks.log(`${name} / ${stepName}: exited ${code}`);
        } else if (step.uses && usesName(step.uses) === usesName(options.action)) {
          const call: ActionCall = {
            job: id,
            jobName: name,
            step: stepName,
            with: withInputs,
            env,
            runnerTemp,
            matrix: o.matrix ?? {}
          };
          const handle = hooks.startAction(call);
          cancelRunning = () => handle.cancel();
          if (cancelled) handle.cancel();
          const main = await handle.done;
          cancelRunning = undefined;
          // post-if: always() (action.yml): the post step runs at the end of the job, whatever happened.
          posts.unshift(() => hooks.runPost(call, main));
          record(main.code === 0 ? 'success' : cancelled ? 'cancelled' : 'failure', started, main.outputs);
        } else if (step.uses && LOCAL_ACTIONS[usesName(step.uses)]) {
          LOCAL_ACTIONS[usesName(step.uses)]({ with: withInputs, artifacts, workspace: dir });
          record('success', started);
        } else {
          throw new Error(
            `${name} / ${stepName}: ${step.uses ?? 'a step without run or uses'} is not supported by the local runner`
          );
        }
      } catch (error) {
        if (!step.uses || LOCAL_ACTIONS[usesName(step.uses)]) {
          hooks.log(`${name} / ${stepName}: ${(error as Error).message}`);
          record('failure', started);
        } else throw error;
      }
      if (failed) o.onFailure();
    }
    for (const post of posts) {
      const result = await post();
      if (result.code !== 0) failed = true;
    }
    const result: JobResult = failed ? 'failure' : cancelled ? 'cancelled' : 'success';
    hooks.log(`${name}: ${result}`);
    const jobOutputs: Record<string, string> = {};
    for (const [k, v] of Object.entries(job.outputs ?? {}))
      jobOutputs[k] = evaluateString(v, { ...contexts, steps: stepsContext });
    return {
      run: {
        job: id,
        name,
        matrix: o.matrix,
        environment,
        result,
        startedAt,
        endedAt: Date.now(),
        steps: stepRecords
      },
      outputs: job.outputs ? jobOutputs : undefined
    };
  };

  for (const id of jobOrder(jobs)) finished[id] = runJob(id);
  await Promise.all(Object.values(finished));
  const all = Object.values(results);
  const conclusion = all.includes('failure')
    ? 'failure'
    : all.includes('cancelled')
      ? 'cancelled'
      : 'success';
  return { runs, results, conclusion };
}
