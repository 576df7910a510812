// createReporter: the fan-out of check run, job summary, log annotation and alerts, as main and
// the post step use it.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reporter } from '../../src/report/types.js';
import { makeCoreMock } from './core-mock.js';
import { fakeChecks, httpError, prContext } from './fake-github.js';
import { expectValidBody } from './openapi.js';
import { fixture } from './records.js';

const core = makeCoreMock();
jest.unstable_mockModule('@actions/core', () => core.mock);
const { createReporter, savedCheckRunId, CHECK_RUN_STATE_KEY } = await import('../../src/report/index.js');
const { FanOutReporter } = await import('../../src/report/fan-out.js');
const { setRolloutOutputs } = await import('../../src/report/outputs.js');
const { locateWorkflowStep } = await import('../../src/report/workflow-location.js');

let workspace: string;
const savedSummaryEnv = process.env.GITHUB_STEP_SUMMARY;

beforeEach(() => {
  core.reset();
  workspace = mkdtempSync(path.join(os.tmpdir(), 'report-test-'));
  mkdirSync(path.join(workspace, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    path.join(workspace, '.github', 'workflows', 'release.yml'),
    [
      'name: release',
      'on: { push: { tags: ["v*"] } }',
      'jobs:',
      '  canary:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v5',
      '      - name: Canary',
      '        id: canary',
      '        uses: upcommerce/canary-action@v1',
      '        with: { release: storefront }'
    ].join('\n')
  );
  process.env.GITHUB_STEP_SUMMARY = path.join(workspace, 'summary.md');
});

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
  if (savedSummaryEnv === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = savedSummaryEnv;
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    GITHUB_WORKSPACE: workspace,
    GITHUB_WORKFLOW_REF: 'upcommerce/storefront/.github/workflows/release.yml@refs/tags/v2.5.0',
    GITHUB_ACTION: 'canary',
    ...extra
  };
}

test('a rollback reaches the check run, the job summary once, and an error annotation on the step', async () => {
  const github = fakeChecks();
  const reporter = createReporter({ octokit: github.client, context: prContext(), env: env() });
  expect(reporter.names).toEqual(['check run', 'job summary', 'log annotation']);
  const record = fixture('rolled-back');
  const { decision: _d, ...running } = record;

  await reporter.start({ ...running, phase: 'soaking' });
  await reporter.update({ ...running, phase: 'soaking' });
  expect(core.calls.summaries).toHaveLength(0);
  await reporter.finish(record);

  // The check run: saved for the post step and exposed as outputs as soon as it exists.
  expect(core.calls.state[CHECK_RUN_STATE_KEY]).toBe('4242');
  expect(core.calls.outputs['check-run-id']).toBe('4242');
  expect(core.calls.outputs['check-run-url']).toBe('https://github.com/upcommerce/storefront/runs/4242');
  expect(reporter.checkRun()).toEqual({
    id: 4242,
    url: 'https://github.com/upcommerce/storefront/runs/4242'
  });
  const completion = github.calls[github.calls.length - 1];
  expectValidBody('checks/update', completion.body);
  expect(
    (completion.body.output as { annotations: Array<{ path: string; start_line: number }> }).annotations[0]
  ).toMatchObject({
    path: '.github/workflows/release.yml',
    start_line: 9
  });

  // The job summary: the same markdown, written once.
  expect(core.calls.summaries).toHaveLength(1);
  const summary = core.calls.summaries[0];
  expect(summary).toMatch(
    /^## canary \/ storefront: Rolled back at 25% after 1m20s: 5xx rate 3% vs 0\.44% on stable\n/
  );
  expect(summary).toContain('### Metrics');
  expect(summary).toContain('<details><summary>Tick log</summary>');

  // The log annotation points at the step's line in the workflow file.
  expect(core.calls.errors).toEqual([
    {
      message: expect.stringContaining('Rolled back at 25%'),
      properties: {
        title: 'canary / storefront: rolled back',
        file: '.github/workflows/release.yml',
        startLine: 9
      }
    }
  ]);
  expect(core.calls.warnings).toEqual([]);
});

test('without checks: write (403) the job summary is still written and the rollout goes on', async () => {
  const github = fakeChecks({ create: [httpError(403, 'Resource not accessible by integration')] });
  const reporter = createReporter({ octokit: github.client, context: prContext(), env: env() });
  const record = fixture('rolled-back');
  await expect(reporter.start({ ...record, decision: undefined, phase: 'soaking' })).resolves.toBeUndefined();
  await expect(reporter.finish(record)).resolves.toBeUndefined();
  expect(github.calls).toHaveLength(1);
  expect(core.calls.warnings).toHaveLength(1);
  expect(core.calls.warnings[0]).toMatch(/checks: write/);
  expect(core.calls.summaries).toHaveLength(1);
  expect(reporter.checkRun()).toBeUndefined();
});

test('without a token there is no check run, and a healthy promotion leaves no error annotation', async () => {
  const reporter = createReporter({ env: env() });
  expect(reporter.names).toEqual(['job summary', 'log annotation']);
  await reporter.finish(fixture('healthy'));
  expect(core.calls.errors).toEqual([]);
  expect(core.calls.summaries[0]).toContain('### ✅ Promoted');
});

test('the post step resumes the saved check run and completes it as cancelled', async () => {
  core.calls.state[CHECK_RUN_STATE_KEY] = '31337';
  const checkRunId = savedCheckRunId();
  expect(checkRunId).toBe(31337);
  const github = fakeChecks();
  const reporter = createReporter({ octokit: github.client, context: prContext(), env: env(), checkRunId });
  await reporter.finish(fixture('cancelled'));
  expect(github.calls).toHaveLength(1);
  expect(github.calls[0].params.check_run_id).toBe(31337);
  expect(github.calls[0].body).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
  expectValidBody('checks/update', github.calls[0].body);
});

test('a record without run links gets them from the runner environment, with the PR head commit', async () => {
  const github = fakeChecks();
  const reporter = createReporter({
    octokit: github.client,
    context: prContext(),
    env: env({
      GITHUB_SERVER_URL: 'https://github.example.com',
      GITHUB_REPOSITORY: 'upcommerce/storefront',
      GITHUB_RUN_ID: '555',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_WORKFLOW: 'release',
      GITHUB_JOB: 'canary'
    })
  });
  const { run: _run, ...record } = fixture('healthy');
  await reporter.finish(record);
  const body = github.calls[0].body as { details_url: string; output: { summary: string } };
  expect(body.details_url).toBe(
    'https://github.example.com/upcommerce/storefront/actions/runs/555/attempts/2'
  );
  expect(body.output.summary).toContain(
    '| Workflow run | [release / canary](https://github.example.com/upcommerce/storefront/actions/runs/555/attempts/2) |'
  );
  expect(body.output.summary).toContain(
    '[`aaaaaaa`](https://github.example.com/upcommerce/storefront/commit/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)'
  );
  expect(core.calls.summaries[0]).toContain('actions/runs/555/attempts/2');
});

test('savedCheckRunId is undefined when nothing was saved', () => {
  expect(savedCheckRunId()).toBeUndefined();
});

test('a reporter that hangs or throws cannot hold up the others', async () => {
  const calls: string[] = [];
  const hanging: Reporter = {
    start: () => new Promise(() => undefined),
    update: async () => {},
    finish: async () => {}
  };
  const throwing: Reporter = {
    start: async () => {
      throw new Error('boom');
    },
    update: async () => {},
    finish: async () => {}
  };
  const fine: Reporter = {
    start: async () => void calls.push('start'),
    update: async () => {},
    finish: async () => {}
  };
  const fanOut = new FanOutReporter(
    [
      { name: 'slow one', reporter: hanging },
      { name: 'broken one', reporter: throwing },
      { name: 'fine one', reporter: fine }
    ],
    { progressMs: 20, finishMs: 20 }
  );
  await expect(fanOut.start(fixture('healthy'))).resolves.toBeUndefined();
  expect(calls).toEqual(['start']);
  expect(core.calls.warnings.sort()).toEqual([
    'Reporting to the broken one failed (start): boom; the rollout goes on.',
    'Reporting to the slow one took longer than 0.02 s (start); the rollout goes on.'
  ]);
});

test('outputs: decision, reason, final weight, report path and the check run', () => {
  setRolloutOutputs(fixture('rolled-back'), '/tmp/canary-report.json', {
    id: 5,
    url: 'https://github.com/x/y/runs/5'
  });
  expect(core.calls.outputs).toEqual({
    decision: 'rolled-back',
    reason: fixture('rolled-back').reason,
    'final-weight': '0',
    report: '/tmp/canary-report.json',
    'previous-version': fixture('rolled-back').previousVersion ?? '',
    'previous-revision': '',
    // One release: an array of one, with what it ended as.
    releases: JSON.stringify([
      {
        release: 'storefront',
        canaryRelease: 'storefront-canary',
        version: fixture('rolled-back').version,
        decision: 'rolled-back',
        reason: fixture('rolled-back').reason,
        finalWeight: 0,
        previousRevision: null
      }
    ]),
    'check-run-id': '5',
    'check-run-url': 'https://github.com/x/y/runs/5'
  });
});

test('outputs after a promotion: the version and the Helm revision stable ran before', () => {
  setRolloutOutputs({ ...fixture('healthy'), previousVersion: '1.4.0', previousRevision: 12 }, '/tmp/r.json');
  expect(core.calls.outputs).toMatchObject({
    decision: 'promoted',
    'previous-version': '1.4.0',
    'previous-revision': '12'
  });
});

describe('locating the workflow step', () => {
  test('by step id, by uses, and line 1 when the file is not checked out', () => {
    expect(locateWorkflowStep(env())).toEqual({ path: '.github/workflows/release.yml', line: 9 });
    expect(
      locateWorkflowStep(
        env({
          GITHUB_ACTION: '__upcommerce_canary-action',
          GITHUB_ACTION_REPOSITORY: 'upcommerce/canary-action'
        })
      )
    ).toEqual({ path: '.github/workflows/release.yml', line: 10 });
    expect(locateWorkflowStep(env({ GITHUB_WORKSPACE: path.join(workspace, 'nowhere') }))).toEqual({
      path: '.github/workflows/release.yml',
      line: 1
    });
    expect(locateWorkflowStep({})).toBeUndefined();
  });
});
