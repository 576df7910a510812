import { jest } from '@jest/globals';
import type { RolloutRecord } from '../../src/rollout/record.js';
import { makeCoreMock } from './core-mock.js';
import {
  fakeChecks,
  httpError,
  networkError,
  prContext,
  pushContext,
  PR_HEAD_SHA,
  MERGE_SHA
} from './fake-github.js';
import { expectValidBody } from './openapi.js';
import { fixture, longRecord, type FixtureName } from './records.js';

const core = makeCoreMock();
jest.unstable_mockModule('@actions/core', () => core.mock);
const { CheckRunReporter } = await import('../../src/report/check-run.js');
const { MAX_OUTPUT_CHARS } = await import('../../src/report/limits.js');
const { updateBody } = await import('../../src/report/request-body.js');

/** The record as the engine would have it after `k` ticks, still soaking. */
function inProgress(full: RolloutRecord, k: number): RolloutRecord {
  const ticks = full.ticks.slice(0, k);
  const last = ticks[ticks.length - 1];
  const steps = full.stepRecords
    .filter((s) => s.index <= last.stepIndex)
    .map((s) => (s.index === last.stepIndex ? { ...s, outcome: 'running' as const, reason: undefined } : s));
  const { decision: _d, reason: _r, finishedAt: _f, ...rest } = full;
  return {
    ...rest,
    phase: 'soaking',
    ticks,
    stepRecords: steps,
    metrics: last.metrics,
    currentWeight: last.weight,
    finalWeight: last.weight
  };
}

function clock(start = Date.parse('2025-11-20T14:00:00Z')) {
  const c = { t: start, sleeps: [] as number[] };
  return {
    c,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    }
  };
}

function validateAll(calls: ReturnType<typeof fakeChecks>['calls']): void {
  for (const call of calls)
    expectValidBody(call.op === 'create' ? 'checks/create' : 'checks/update', call.body);
}

beforeEach(() => core.reset());

describe('CheckRunReporter lifecycle', () => {
  test('creates in progress on the PR head, updates per step and every 30 s, completes as failure on rollback', async () => {
    const full = fixture('rolled-back');
    const github = fakeChecks();
    const time = clock();
    const created: number[] = [];
    const reporter = new CheckRunReporter({
      octokit: github.client,
      context: prContext(),
      now: time.now,
      sleep: time.sleep,
      stepLocation: { path: '.github/workflows/release.yml', line: 27 },
      onCreated: (info) => created.push(info.id)
    });

    await reporter.start(inProgress(full, 1));
    // One tick every 10 s (the fixture's interval); the engine reports each one.
    for (let k = 2; k <= full.ticks.length; k++) {
      time.c.t += 10_000;
      await reporter.update(inProgress(full, k));
    }
    await reporter.finish(full);
    // Nothing after the completion, even if the engine sends a late update.
    await reporter.update(inProgress(full, full.ticks.length));

    validateAll(github.calls);
    const [create, ...updates] = github.calls;
    expect(create.op).toBe('create');
    expect(create.body).toMatchObject({
      name: 'canary / storefront',
      head_sha: PR_HEAD_SHA,
      status: 'in_progress',
      external_id: 'shop/storefront@v2.5.0#9876543210',
      details_url: full.run!.url
    });
    expect(create.params).toMatchObject({ owner: 'upcommerce', repo: 'storefront' });
    expect(created).toEqual([4242]);
    expect(reporter.checkRun).toEqual({
      id: 4242,
      url: 'https://github.com/upcommerce/storefront/runs/4242'
    });

    const progress = updates.slice(0, -1);
    const completion = updates[updates.length - 1];
    expect(progress.every((u) => u.params.check_run_id === 4242 && u.body.status === 'in_progress')).toBe(
      true
    );
    // 38 ticks over ~6 min: throttled to one update per 30 s plus the step change, not one per tick.
    expect(progress.length).toBeGreaterThanOrEqual(12);
    expect(progress.length).toBeLessThanOrEqual(15);
    const titles = progress.map((u) => (u.body.output as { title: string }).title);
    expect(titles).toContain('Canary at 5%, step 1 of 4');
    expect(titles).toContain('Canary at 25%, step 2 of 4');

    expect(completion.body).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      completed_at: full.finishedAt
    });
    const output = completion.body.output as { title: string; annotations: unknown[] };
    expect(output.title).toMatch(/^Rolled back at 25% after 1m20s: 5xx rate 3% vs 0\.44% on stable$/);
    expect(output.annotations).toEqual([
      expect.objectContaining({
        path: '.github/workflows/release.yml',
        start_line: 27,
        end_line: 27,
        annotation_level: 'failure'
      })
    ]);
    expect(core.calls.warnings).toEqual([]);
  });

  test('uses GITHUB_SHA when there is no pull request', async () => {
    const github = fakeChecks();
    const reporter = new CheckRunReporter({
      octokit: github.client,
      context: pushContext(),
      name: 'canary / shop'
    });
    await reporter.start(inProgress(fixture('healthy'), 1));
    expect(github.calls[0].body).toMatchObject({ head_sha: MERGE_SHA, name: 'canary / shop' });
  });

  test.each<[FixtureName, string]>([
    ['healthy', 'success'],
    ['rolled-back', 'failure'],
    ['failed', 'failure'],
    ['cancelled', 'cancelled'],
    ['paused', 'action_required']
  ])('completes %s as %s with a valid body', async (name, conclusion) => {
    const github = fakeChecks();
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext() });
    await reporter.start(inProgress(fixture(name), 1));
    await reporter.finish(fixture(name));
    validateAll(github.calls);
    expect(github.calls.map((c) => c.op)).toEqual(['create', 'update']);
    expect(github.calls[1].body).toMatchObject({ status: 'completed', conclusion });
  });

  test('a decided record without a check run yet is created completed in one request (neutral for none)', async () => {
    const record: RolloutRecord = {
      ...fixture('healthy'),
      decision: 'none',
      reason: 'No canary in flight',
      ticks: [],
      stepRecords: []
    };
    const github = fakeChecks();
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext() });
    await reporter.finish(record);
    validateAll(github.calls);
    expect(github.calls).toHaveLength(1);
    expect(github.calls[0].body).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect((github.calls[0].body.output as { title: string }).title).toBe(
      'Nothing to do: No canary in flight'
    );
  });
});

describe('CheckRunReporter when GitHub says no or fails', () => {
  test('403 on create: one warning, nothing more is sent, nothing throws', async () => {
    const github = fakeChecks({ create: [httpError(403, 'Resource not accessible by integration')] });
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext() });
    const full = fixture('rolled-back');
    await expect(reporter.start(inProgress(full, 1))).resolves.toBeUndefined();
    await expect(reporter.update(inProgress(full, 30))).resolves.toBeUndefined();
    await expect(reporter.finish(full)).resolves.toBeUndefined();
    expect(github.calls.map((c) => c.op)).toEqual(['create']);
    expect(reporter.enabled).toBe(false);
    expect(core.calls.warnings).toHaveLength(1);
    expect(core.calls.warnings[0]).toMatch(/HTTP 403.*checks: write.*rollout goes on/s);
  });

  test('404 on a resumed check run switches it off too', async () => {
    const github = fakeChecks({ update: [httpError(404, 'Not Found')] });
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext(), checkRunId: 99 });
    await reporter.finish(fixture('cancelled'));
    expect(github.calls).toHaveLength(1);
    expect(core.calls.warnings[0]).toMatch(/HTTP 404/);
  });

  test('transient errors (502, 429, network) are retried with backoff and the call succeeds', async () => {
    const github = fakeChecks({
      create: [
        httpError(502, 'Bad Gateway'),
        httpError(429, 'Too many', { 'retry-after': '1' }),
        networkError()
      ]
    });
    const time = clock();
    const reporter = new CheckRunReporter({
      octokit: github.client,
      context: prContext(),
      now: time.now,
      sleep: time.sleep
    });
    await reporter.start(inProgress(fixture('healthy'), 1));
    expect(github.calls.map((c) => c.op)).toEqual(['create', 'create', 'create', 'create']);
    expect(time.c.sleeps).toEqual([500, 1000, 2000]);
    expect(reporter.checkRun?.id).toBe(4242);
    expect(core.calls.warnings).toEqual([]);
  });

  test('a GitHub outage gives up under the time cap with a warning, and a later call creates the run', async () => {
    const down = Array.from({ length: 4 }, () => httpError(503, 'Service Unavailable'));
    const github = fakeChecks({ create: down });
    const time = clock();
    const reporter = new CheckRunReporter({
      octokit: github.client,
      context: prContext(),
      now: time.now,
      sleep: time.sleep,
      retry: { attempts: 3, baseDelayMs: 1000 }
    });
    const full = fixture('healthy');
    await expect(reporter.start(inProgress(full, 1))).resolves.toBeUndefined();
    expect(time.c.sleeps).toEqual([1000, 2000]);
    expect(core.calls.warnings).toHaveLength(1);
    expect(core.calls.warnings[0]).toMatch(/create the canary check run \(HTTP 503/);
    expect(reporter.enabled).toBe(true);
    await reporter.finish(full);
    const last = github.calls[github.calls.length - 1];
    expect(last.op).toBe('create');
    expect(last.body).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  test('a create that answered 500 but happened is found by name on the head SHA, not created twice', async () => {
    const github = fakeChecks({ create: [httpError(500, 'Internal Server Error')], listCreated: true });
    const time = clock();
    const reporter = new CheckRunReporter({
      octokit: github.client,
      context: prContext(),
      now: time.now,
      sleep: time.sleep
    });
    const full = fixture('healthy');
    await reporter.start(inProgress(full, 1));
    await reporter.update(inProgress(full, 2));
    await reporter.finish(full);
    expect(github.calls.filter((c) => c.op === 'create')).toHaveLength(1);
    const list = github.calls.find((c) => c.op === 'list')!;
    expect(list.params).toMatchObject({ ref: PR_HEAD_SHA, check_name: 'canary / storefront' });
    expect(reporter.checkRun?.id).toBe(4242);
    expect(github.calls.at(-1)).toMatchObject({ op: 'update', params: { check_run_id: 4242 } });
  });

  test('422 is not retried', async () => {
    const github = fakeChecks({ create: [httpError(422, 'Validation Failed')] });
    const time = clock();
    const reporter = new CheckRunReporter({
      octokit: github.client,
      context: prContext(),
      now: time.now,
      sleep: time.sleep
    });
    await reporter.start(inProgress(fixture('healthy'), 1));
    expect(github.calls).toHaveLength(1);
    expect(time.c.sleeps).toEqual([]);
    expect(core.calls.warnings[0]).toMatch(/HTTP 422/);
  });
});

describe('resuming in the post step', () => {
  test('completes an existing check run as cancelled with a single update', async () => {
    const github = fakeChecks();
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext(), checkRunId: 777 });
    await reporter.finish(fixture('cancelled'));
    validateAll(github.calls);
    expect(github.calls).toHaveLength(1);
    expect(github.calls[0]).toMatchObject({ op: 'update', params: { check_run_id: 777 } });
    expect(github.calls[0].body).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect((github.calls[0].body.output as { title: string }).title).toBe('Cancelled at 50%; canary removed');
  });

  test('a re-run adopts the check run a killed run left in progress, and never a second one', async () => {
    const github = fakeChecks();
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext() });
    reporter.adopt(1003);
    reporter.adopt(2000); // only the first adoption counts
    await reporter.start(fixture('healthy'));
    await reporter.finish(fixture('healthy'));
    validateAll(github.calls);
    expect(github.calls.map((c) => c.op)).toEqual(['update', 'update']);
    expect(github.calls.every((c) => (c.params as { check_run_id?: number }).check_run_id === 1003)).toBe(
      true
    );
    expect(github.calls[1].body).toMatchObject({ status: 'completed', conclusion: 'success' });
  });
});

describe('limits', () => {
  test('a 1000-tick rollout stays within 65535 characters and keeps the newest ticks', async () => {
    const record = longRecord(1000);
    const github = fakeChecks();
    const reporter = new CheckRunReporter({ octokit: github.client, context: prContext() });
    await reporter.start(record);
    await reporter.finish({
      ...record,
      decision: 'promoted',
      phase: 'done',
      finalWeight: 0,
      finishedAt: '2025-11-20T17:00:00Z'
    });
    validateAll(github.calls);
    for (const call of github.calls) {
      const output = call.body.output as { summary: string; text: string };
      expect(output.summary.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
      expect(output.text.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
      // The limit was really in play: the full log would not have fit.
      expect(output.text.length).toBeGreaterThan(MAX_OUTPUT_CHARS - 1000);
      expect(output.text).toContain('tick-1000 marker');
      expect(output.text).toContain('tick-999 marker');
      expect(output.text).not.toMatch(/tick-1 marker/);
      const omitted = Number(
        /The oldest ([\d,]+) log lines are omitted/.exec(output.text)?.[1].replace(/,/g, '')
      );
      expect(omitted).toBeGreaterThan(0);
      // What is left is exactly the newest ticks, in order, without a gap.
      const kept = [...output.text.matchAll(/tick-(\d+) marker/g)].map((m) => Number(m[1]));
      expect(kept[kept.length - 1]).toBe(1000);
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 1000 - kept.length + 1 + i));
      expect(kept.length).toBeLessThan(1000);
    }
  });

  test('a body never carries more than 50 annotations', () => {
    const annotations = Array.from({ length: 60 }, (_, i) => ({
      path: '.github/workflows/release.yml',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'failure' as const,
      message: `annotation ${i}`
    }));
    const body = updateBody(fixture('rolled-back'), { annotations });
    expect(body.output.annotations).toHaveLength(50);
    expectValidBody('checks/update', body);
    // And the schema itself refuses 51, so the check above is meaningful.
    expect(() =>
      expectValidBody('checks/update', {
        ...body,
        output: { ...body.output, annotations: annotations.slice(0, 51) }
      })
    ).toThrow(/maxItems|must NOT have more than 50 items/);
  });

  test('the schema check catches a summary over the limit and a bad conclusion', () => {
    const body = updateBody(fixture('healthy'));
    expect(() =>
      expectValidBody('checks/update', {
        ...body,
        output: { ...body.output, summary: 'x'.repeat(MAX_OUTPUT_CHARS + 1) }
      })
    ).toThrow(/maxLength|must NOT have more than 65535 characters/);
    expect(() => expectValidBody('checks/update', { ...body, conclusion: 'rolled-back' })).toThrow(/enum/);
    expect(() => expectValidBody('checks/create', { ...body })).toThrow(/required/);
    expect(() => expectValidBody('checks/update', { ...body, outputs: {} })).toThrow(/additional/);
  });
});
