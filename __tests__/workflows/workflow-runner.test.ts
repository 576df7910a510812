// The demo's local runner of a reusable workflow (sandbox/demo/workflow-runner.ts) on the real
// .github/workflows/waves.yml: its plan script, `if:` conditions and bash steps run for real (bash, jq,
// sleep); only the action is a fake hook that answers with a decision, and `helm` a recording script,
// so each test says what the workflow does after each outcome.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callerContexts, jobOrder, readWorkflow, type Caller } from '../../sandbox/demo/workflow-file.js';
import { runWorkflow, type ActionCall } from '../../sandbox/demo/workflow-runner.js';
import { condition, evaluateField } from '../../sandbox/demo/workflow-expressions.js';

const contextOf = (matrix: Record<string, unknown> | null): unknown =>
  (matrix?.target as { context?: string } | undefined)?.context;

const root = path.resolve(import.meta.dirname, '../..');
const wavesFile = path.join(root, '.github/workflows/waves.yml');

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-runner-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function caller(contexts: string[], more: Partial<Caller['with']> = {}): Caller {
  return {
    with: {
      waves: JSON.stringify(
        contexts.map((context) => ({
          targets: [{ context, 'prometheus-url': `http://prometheus-${context}:9090` }]
        }))
      ),
      'bake-time': '1s',
      release: 'storefront',
      chart: 'charts/storefront',
      version: '2.0.0',
      ...more
    },
    secrets: { kubeconfig: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64') }
  };
}

/** Runs waves.yml with a fake action deciding per context; returns the run, the calls and helm's argv. */
async function run(
  decisions: Record<string, string>,
  with_: Caller['with'] & { waves?: string },
  contexts: string[]
) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const helmLog = path.join(dir, 'helm.log');
  fs.writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho "$@" >> ${helmLog}\n`, { mode: 0o755 });
  const calls: Array<ActionCall & { at: number; kubeconfig: string }> = [];
  const posts: string[] = [];
  const result = await runWorkflow({
    workflowFile: wavesFile,
    caller: { ...caller(contexts), with: { ...caller(contexts).with, ...with_ } },
    action: 'upcommerce/canary-action',
    workDir: path.join(dir, 'work'),
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    hooks: {
      startAction(call) {
        const context = call.with['kube-context'];
        calls.push({ ...call, at: Date.now(), kubeconfig: fs.readFileSync(call.env.KUBECONFIG, 'utf8') });
        const decision = decisions[context];
        const outcome = {
          code: decision === 'promoted' ? 0 : 1,
          outputs: { decision, 'previous-revision': '7' },
          state: { phase: 'done' }
        };
        return { done: Promise.resolve(outcome), cancel: () => undefined };
      },
      runPost: async (call, main) => {
        posts.push(`${call.with['kube-context']}:${main.state.phase}`);
        return { code: 0, outputs: {}, state: {} };
      },
      log: () => undefined
    }
  });
  const helmCalls = fs.existsSync(helmLog) ? fs.readFileSync(helmLog, 'utf8').trim().split('\n') : [];
  return { result, calls, posts, helmCalls };
}

describe('the local workflow runner on waves.yml', () => {
  it('orders the jobs by needs', () => {
    const order = jobOrder(readWorkflow(wavesFile).jobs!);
    expect(order.indexOf('plan')).toBeLessThan(order.indexOf('wave-1'));
    expect(order.indexOf('wave-1')).toBeLessThan(order.indexOf('wave-2'));
    expect(order.at(-1)).toBe('rollback-earlier-waves');
    expect(() => jobOrder({ x: { needs: 'y' }, y: { needs: 'x' } })).toThrow('a cycle of needs');
    expect(() => jobOrder({ x: { needs: 'nope' } })).toThrow('job x needs nope, which is not a job');
  });

  it("refuses a caller's unknown, missing or mistyped inputs, naming each", () => {
    expect(() =>
      callerContexts(
        readWorkflow(wavesFile),
        { with: { waves: '[]', 'bake-time': 5, colour: 'red' }, secrets: {} },
        'waves.yml'
      )
    ).toThrow(
      /input colour: not an input of waves.yml[\s\S]*input bake-time: expected a string, got 5[\s\S]*input release: required[\s\S]*secret kubeconfig: required/
    );
  });

  it('two healthy waves: cluster a, the bake, then cluster b, each with its own context and Prometheus', async () => {
    const { result, calls, posts, helmCalls } = await run({ a: 'promoted', b: 'promoted' }, {}, ['a', 'b']);
    expect(result.conclusion).toBe('success');
    expect(result.results).toMatchObject({
      plan: 'success',
      'wave-1': 'success',
      'wave-2': 'success',
      'wave-3': 'skipped',
      'wave-4': 'skipped',
      'rollback-earlier-waves': 'skipped'
    });
    expect(calls.map((c) => [c.with['kube-context'], c.with['prometheus-url'], c.jobName])).toEqual([
      ['a', 'http://prometheus-a:9090', 'wave 1 (a)'],
      ['b', 'http://prometheus-b:9090', 'wave 2 (b)']
    ]);
    // The kubeconfig secret, decoded by the workflow's own step.
    expect(calls[0].kubeconfig).toBe('apiVersion: v1\nkind: Config\n');
    // The bake (sleep 1s) ran between the waves, not after the last.
    const wave1 = result.runs.find((r) => r.job === 'wave-1')!;
    expect(wave1.steps.find((s) => s.name === 'Bake before the next wave')?.outcome).toBe('success');
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
    const wave2 = result.runs.find((r) => r.job === 'wave-2')!;
    expect(wave2.steps.find((s) => s.name === 'Bake before the next wave')?.outcome).toBe('skipped');
    expect(posts).toEqual(['a:done', 'b:done']);
    expect(helmCalls).toEqual([]);
  });

  it('a rollback in wave 1 skips wave 2; with rollback-earlier-waves there is nothing to roll back', async () => {
    const { result, calls, helmCalls } = await run(
      { a: 'rolled-back', b: 'promoted' },
      { 'rollback-earlier-waves': true },
      ['a', 'b']
    );
    expect(calls.map((c) => c.with['kube-context'])).toEqual(['a']);
    expect(result.results).toMatchObject({
      'wave-1': 'failure',
      'wave-2': 'skipped',
      'rollback-earlier-waves': 'success'
    });
    const wave1 = result.runs.find((r) => r.job === 'wave-1')!;
    // No revision is kept and no bake follows a rollback.
    expect(wave1.steps.filter((s) => s.outcome === 'skipped').map((s) => s.name)).toEqual([
      'Record the revision stable ran before',
      'Keep the revision',
      'Bake before the next wave'
    ]);
    expect(helmCalls).toEqual([]);
    expect(result.conclusion).toBe('failure');
  });

  it('a rollback in wave 2 rolls cluster a back to the revision its action recorded', async () => {
    const { result, helmCalls } = await run(
      { a: 'promoted', b: 'rolled-back' },
      { 'rollback-earlier-waves': true },
      ['a', 'b']
    );
    expect(result.results['rollback-earlier-waves']).toBe('success');
    expect(helmCalls).toEqual([
      'rollback storefront 7 --namespace default --kube-context a --wait --timeout 10m'
    ]);
  });

  it('without rollback-earlier-waves a failed wave rolls nothing back', async () => {
    const { result, helmCalls } = await run({ a: 'promoted', b: 'rolled-back' }, {}, ['a', 'b']);
    expect(result.results['rollback-earlier-waves']).toBe('skipped');
    expect(helmCalls).toEqual([]);
  });

  it("fail-fast: a rollback in one cluster cancels its wave's others, whose post step still runs", async () => {
    const posts: string[] = [];
    const result = await runWorkflow({
      workflowFile: wavesFile,
      caller: {
        ...caller([]),
        with: {
          ...caller([]).with,
          waves: JSON.stringify([
            { targets: ['a', 'b'].map((context) => ({ context, 'prometheus-url': 'http://p:9090' })) },
            { targets: [{ context: 'c', 'prometheus-url': 'http://p:9090' }] }
          ])
        }
      },
      action: 'upcommerce/canary-action',
      workDir: path.join(dir, 'work'),
      env: { PATH: process.env.PATH },
      hooks: {
        startAction(call) {
          if (call.with['kube-context'] === 'a')
            return {
              done: new Promise((r) =>
                setTimeout(() => r({ code: 1, outputs: { decision: 'rolled-back' }, state: {} }), 300)
              ),
              cancel: () => undefined
            };
          // b runs until the runner cancels it.
          let cancel = (): void => undefined;
          const done = new Promise<{
            code: number;
            outputs: Record<string, string>;
            state: Record<string, string>;
          }>(
            (r) =>
              (cancel = () => r({ code: 1, outputs: { decision: 'cancelled' }, state: { phase: 'step' } }))
          );
          return { done, cancel: () => cancel() };
        },
        runPost: async (call, main) => {
          posts.push(`${call.with['kube-context']}:${main.outputs.decision}`);
          return { code: 0, outputs: {}, state: {} };
        },
        log: () => undefined
      }
    });
    expect(result.runs.filter((r) => r.job === 'wave-1').map((r) => [contextOf(r.matrix), r.result])).toEqual(
      [
        ['a', 'failure'],
        ['b', 'cancelled']
      ]
    );
    expect(posts.sort()).toEqual(['a:rolled-back', 'b:cancelled']);
    expect(result.results['wave-1']).toBe('failure');
    expect(result.results['wave-2']).toBe('skipped');
  });

  it('a bad waves input fails the plan, and no wave runs', async () => {
    const { result, calls } = await run({}, { waves: '[{"targets": []}]' }, []);
    expect(result.results.plan).toBe('failure');
    expect(result.results['wave-1']).toBe('skipped');
    expect(calls).toEqual([]);
  });
});

describe('expressions', () => {
  const contexts = {
    needs: { plan: { outputs: { count: '2' }, result: 'success' } },
    inputs: { flag: false }
  };
  it('gives a lone expression its value and embeds the others as text', () => {
    expect(evaluateField('${{ fromJSON(needs.plan.outputs.count) }}', contexts)).toBe(2);
    expect(evaluateField('count ${{ needs.plan.outputs.count }}!', contexts)).toBe('count 2!');
  });
  it('ands an if without a status function with success()', () => {
    const ok = { failed: false, cancelled: false };
    const failed = { failed: true, cancelled: false };
    expect(condition('fromJSON(needs.plan.outputs.count) >= 2', contexts, ok)).toBe(true);
    expect(condition('fromJSON(needs.plan.outputs.count) >= 2', contexts, failed)).toBe(false);
    expect(condition("always() && contains(needs.*.result, 'success')", contexts, failed)).toBe(true);
    expect(condition(undefined, contexts, { ...ok, skipped: true })).toBe(false);
    expect(condition('${{ inputs.flag }}', contexts, ok)).toBe(false);
  });
});
