// The reusable waves workflow: its job graph (each wave needs the one before it and is skipped when that
// one did not succeed; the rollback of earlier waves runs only on a failure and only when asked) and its
// plan script, run for real with bash and jq on good and bad `waves` inputs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const workflow = parse(fs.readFileSync(path.join(root, '.github/workflows/waves.yml'), 'utf8'));
const waveJobs = ['wave-1', 'wave-2', 'wave-3', 'wave-4'];

interface PlanRun {
  status: number | null;
  outputs: Record<string, string>;
  stdout: string;
}

/** Runs the plan job's script as the runner would: bash, with its env and a GITHUB_OUTPUT file. */
function runPlan(waves: string, bakeTime = '15m', prometheusUrl = 'http://prometheus:9090'): PlanRun {
  const script: string = workflow.jobs.plan.steps[0].run;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-plan-'));
  const outputFile = path.join(dir, 'output');
  fs.writeFileSync(outputFile, '');
  const result = spawnSync('bash', ['-e', '-c', script], {
    env: {
      PATH: process.env.PATH,
      WAVES: waves,
      BAKE_TIME: bakeTime,
      PROMETHEUS_URL: prometheusUrl,
      GITHUB_OUTPUT: outputFile
    },
    encoding: 'utf8'
  });
  const outputs = Object.fromEntries(
    fs
      .readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, outputs, stdout: result.stdout };
}

describe('waves.yml', () => {
  it('is a reusable workflow', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_call']);
    expect(workflow.on.workflow_call.inputs.waves.required).toBe(true);
    expect(workflow.on.workflow_call.secrets.kubeconfig.required).toBe(true);
  });

  it.each(waveJobs.map((job, i) => [job, i]))(
    '%s needs the wave before it and runs only when that one succeeded',
    (job, index) => {
      const spec = workflow.jobs[job];
      const needs = [spec.needs].flat();
      expect(needs).toEqual(index === 0 ? ['plan'] : ['plan', `wave-${index}`]);
      // A status function (always(), failure()) in `if` would let it run after a rollback.
      expect(spec.if).not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
      expect(spec.if).toContain(`>= ${index + 1}`);
      expect(spec.strategy.matrix.target).toBe(
        `\${{ fromJSON(needs.plan.outputs.waves)[${index}].targets }}`
      );
      expect(spec.env.WAVE).toBe(index + 1);
      expect(spec.environment).toBe('${{ matrix.target.environment }}');
    }
  );

  it('every wave runs the same steps: the action in the target context, the revision kept on promotion', () => {
    const steps = workflow.jobs['wave-1'].steps;
    for (const job of waveJobs) expect(workflow.jobs[job].steps).toEqual(steps);
    const canary = steps.find((s: { id?: string }) => s.id === 'canary');
    expect(canary.with['kube-context']).toBe('${{ matrix.target.context }}');
    const record = steps.find((s: { name?: string }) => s.name === 'Record the revision stable ran before');
    expect(record.if).toBe("steps.canary.outputs.decision == 'promoted'");
    expect(record.env.PREVIOUS_REVISION).toBe('${{ steps.canary.outputs.previous-revision }}');
  });

  it('rolls earlier waves back only when asked and when a wave failed', () => {
    const rollback = workflow.jobs['rollback-earlier-waves'];
    expect(rollback.needs).toEqual(['plan', ...waveJobs]);
    expect(rollback.if).toBe(
      "always() && inputs.rollback-earlier-waves && contains(needs.*.result, 'failure')"
    );
    expect(rollback.steps.at(-1).run).toContain('helm rollback "$RELEASE" "$revision"');
  });

  it('plans valid waves: environment defaults to the context, count is the number of waves', () => {
    const run = runPlan(
      JSON.stringify([
        { name: 'canary', targets: [{ context: 'prod-eu-west-1', environment: 'gate-eu' }] },
        { targets: [{ context: 'arn:aws:eks:us-east-1:1:cluster/prod' }] }
      ])
    );
    expect(run.status).toBe(0);
    expect(run.outputs.count).toBe('2');
    expect(JSON.parse(run.outputs.waves)).toEqual([
      { name: 'canary', targets: [{ context: 'prod-eu-west-1', environment: 'gate-eu' }] },
      {
        name: 'wave',
        targets: [
          {
            context: 'arn:aws:eks:us-east-1:1:cluster/prod',
            environment: 'arn:aws:eks:us-east-1:1:cluster/prod'
          }
        ]
      }
    ]);
  });

  it.each([
    ['not JSON', '[{'],
    ['no waves', '[]'],
    ['five waves', JSON.stringify(Array(5).fill({ targets: [{ context: 'a' }] }))],
    ['a wave without targets', JSON.stringify([{ name: 'x', targets: [] }])],
    ['a target without a context', JSON.stringify([{ targets: [{ environment: 'prod' }] }])],
    ['a context with shell characters', JSON.stringify([{ targets: [{ context: 'prod; rm -rf /' }] }])]
  ])('refuses %s, naming the input, with no outputs', (_what, waves) => {
    const run = runPlan(waves);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('::error title=waves::input waves: expected a JSON array of 1 to 4 waves');
    expect(run.outputs).toEqual({});
  });

  it("takes each target's own Prometheus, with or without the prometheus-url input", () => {
    const targets = [
      { context: 'a', 'prometheus-url': 'http://127.0.0.1:9001' },
      { context: 'b', 'prometheus-url': 'https://prometheus.b.example' }
    ];
    const run = runPlan(JSON.stringify([{ name: 'both', targets }]), '15m', '');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.outputs.waves)[0].targets).toEqual(
      targets.map((t) => ({ ...t, environment: t.context }))
    );
    // The action gets the target's Prometheus, else the input's.
    const canary = workflow.jobs['wave-1'].steps.find((s: { id?: string }) => s.id === 'canary');
    expect(canary.with['prometheus-url']).toBe(
      '${{ matrix.target.prometheus-url || inputs.prometheus-url }}'
    );
  });

  it.each([
    ['no Prometheus at all', JSON.stringify([{ targets: [{ context: 'a' }] }])],
    [
      'a Prometheus that is not a URL',
      JSON.stringify([{ targets: [{ context: 'a', 'prometheus-url': 'prom:9090' }] }])
    ],
    [
      'a Prometheus that is not a string',
      JSON.stringify([{ targets: [{ context: 'a', 'prometheus-url': 9090 }] }])
    ]
  ])('refuses a target with %s when the prometheus-url input is empty', (_what, waves) => {
    const run = runPlan(waves, '15m', '');
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('unless the prometheus-url input is set');
    expect(run.outputs).toEqual({});
  });

  it("passes the analysis file's path to the action's config input (its analysis input is inline YAML)", () => {
    const canary = workflow.jobs['wave-1'].steps.find((s: { id?: string }) => s.id === 'canary');
    expect(canary.with.config).toBe('${{ inputs.analysis }}');
    expect(canary.with.analysis).toBeUndefined();
    const actionInputs = Object.keys(parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')).inputs);
    for (const name of Object.keys(canary.with)) expect(actionInputs).toContain(name);
  });

  it('refuses a bake time sleep would not read', () => {
    const run = runPlan(JSON.stringify([{ targets: [{ context: 'a' }] }]), '30 minutes');
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('input bake-time');
  });
});
