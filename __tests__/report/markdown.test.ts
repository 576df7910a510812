// The rendered check-run output for each kind of record: specific content, not whole snapshots.
import type { RolloutRecord } from '../../src/rollout/record.js';
import { evidenceCell, renderCheckOutput, renderSummary, renderText } from '../../src/report/markdown.js';
import { MAX_OUTPUT_CHARS } from '../../src/report/limits.js';
import { renderTitle } from '../../src/report/title.js';
import { fixture, longRecord } from './records.js';

/** The rows of the markdown table under `### heading`, as arrays of trimmed cells. */
function table(markdown: string, heading: string): string[][] {
  const section = markdown.split(`### ${heading}\n`)[1];
  if (!section) throw new Error(`no section ${heading}`);
  const lines = section.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[] = [];
  for (let i = first; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i]);
  return rows.slice(2).map((r) =>
    r
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim())
  );
}

describe('rolled back', () => {
  const record = fixture('rolled-back');
  const { title, summary, text } = renderCheckOutput(record);

  test('title names the weight, the time at it and the metric with both arms', () => {
    expect(title).toBe('Rolled back at 25% after 1m20s: 5xx rate 3% vs 0.44% on stable');
  });

  test('summary opens with the decision, the reason and where traffic stands', () => {
    expect(
      summary.startsWith(
        '### ❌ Rolled back\n\n> 5xx rate 3.0% on canary vs 0.4% on stable: e-value 61 crossed 60\n'
      )
    ).toBe(true);
    expect(summary).toContain(
      'was rolled back from 25%; stable `storefront` keeps serving `v2.4.0` at 100%, untouched.'
    );
  });

  test('timeline has one row per step with soak, requests for both arms and the outcome', () => {
    const rows = table(summary, 'Timeline');
    expect(rows).toEqual([
      ['1 of 4', '5%', '5m of 5m', '750', '14,250', '✅ passed'],
      [
        '2 of 4',
        '25%',
        '1m20s of 5m',
        '1,000',
        '3,000',
        expect.stringMatching(/^❌ rolled back: 5xx rate 3\.0%/)
      ]
    ]);
  });

  test('metrics table shows stable, canary, change, the e-value against its threshold, the guard and the verdict', () => {
    const rows = table(summary, 'Metrics');
    expect(rows[0]).toEqual([
      '5xx rate',
      '0.44% <sub>n=17,250</sub>',
      '3% <sub>n=1,750</sub>',
      '+574%',
      'e-value 61 ≥ 60 **crossed**',
      '≤ 5%',
      '❌ fail'
    ]);
    expect(rows[1]).toEqual([
      'p95 latency',
      expect.stringMatching(/ms/),
      expect.stringMatching(/ms/),
      expect.any(String),
      'e-value 0.7 < 60',
      '≤ 1000 ms',
      '✅ ok'
    ]);
    expect(rows[2][4]).toBe('canary/stable in [0.710, 1.380]');
    expect(rows[2][5]).toBe('–');
  });

  test('a sparkline per metric and arm, on the same length as the ticks', () => {
    const rows = table(summary, 'Trend');
    expect(rows.map((r) => r[0])).toEqual(['5xx rate', 'p95 latency', 'Conversion', 'Requests per tick']);
    for (const r of rows) {
      for (const cell of r.slice(1))
        expect(cell).toMatch(new RegExp(`^\`[▁▂▃▄▅▆▇█·]{${record.ticks.length}}\`$`));
    }
    // The canary's 5xx line ends at the top of the shared scale; stable stays low.
    expect(rows[0][2].endsWith('█`')).toBe(true);
    expect(rows[0][1]).not.toContain('█');
  });

  test('details give versions, chart, namespace and links to the run and the commit', () => {
    const rows = Object.fromEntries(table(summary, 'Details').map(([k, v]) => [k, v]));
    expect(rows.Version).toBe('`v2.4.0` → `v2.5.0`');
    expect(rows.Chart).toBe('`charts/storefront` `0.3.0`');
    expect(rows.Namespace).toBe('`shop`');
    expect(rows['Workflow run']).toBe(
      '[release / canary](https://github.com/upcommerce/storefront/actions/runs/9876543210)'
    );
    expect(rows.Commit).toBe(
      '[`3f2c9a1`](https://github.com/upcommerce/storefront/commit/3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345)'
    );
  });

  test('text is the tick log in time order, with events between the ticks', () => {
    const lines = text.split('\n').filter((l) => /^\d\d:\d\d:\d\d/.test(l));
    expect(lines).toHaveLength(record.ticks.length + record.events.length);
    expect(lines[0]).toMatch(/^14:00:00 {2}deploy-canary/);
    expect(lines.some((l) => /set-weight +weight 5% -> 25%/.test(l))).toBe(true);
    const last = lines[lines.length - 1];
    expect(last).toMatch(/rollback +weight 0, then helm uninstall storefront-canary/);
    expect(lines[lines.length - 2]).toMatch(
      /step 2\/4 +25% +req 125\|375 +rollback +error-rate 3%\|0\.44% e=61 FAIL/
    );
    expect(text).not.toContain('omitted');
  });
});

describe('healthy, promoted', () => {
  const record = fixture('healthy');
  const { title, summary } = renderCheckOutput(record);
  test('title and summary', () => {
    expect(title).toBe('Promoted v2.4.0 to 100% after 3 steps (13m)');
    expect(summary).toMatch(/^### ✅ Promoted\n/);
    expect(summary).toContain('Stable `storefront` now runs `v2.4.0` at 100%');
    expect(table(summary, 'Timeline').map((r) => [r[1], r[5]])).toEqual([
      ['10%', '✅ passed'],
      ['50%', '✅ passed'],
      ['100%', '✅ passed']
    ]);
    expect(table(summary, 'Metrics').every((r) => r[6] === '✅ ok')).toBe(true);
    expect(summary).not.toContain('How to continue');
  });
});

describe('failed (Helm error)', () => {
  const record = fixture('failed');
  const { title, summary, text } = renderCheckOutput(record);
  test('says what failed, and that stable was not touched', () => {
    expect(title).toBe(
      'Failed at 25%, canary removed: helm upgrade storefront-canary failed at weight 25%: Error: UPGRADE FAILED: context deadline exceeded'
    );
    expect(summary).toMatch(/^### ❌ Failed\n\n> helm upgrade storefront-canary failed/);
    expect(summary).toContain('stable `storefront` keeps serving `v2.3.1` at 100%, untouched');
    expect(table(summary, 'Timeline')[1]).toEqual([
      '2 of 4',
      '25%',
      '0s of 2m',
      '0',
      '0',
      expect.stringContaining('❌ failed: helm upgrade')
    ]);
  });
  test('a multi-line error stays on one log line', () => {
    const line = text.split('\n').find((l) => l.includes('  error  '));
    expect(line).toMatch(/context deadline exceeded helm exited with code 1$/);
  });
});

describe('cancelled', () => {
  test('title, heading and what happened to the canary', () => {
    const { title, summary } = renderCheckOutput(fixture('cancelled'));
    expect(title).toBe('Cancelled at 50%; canary removed');
    expect(summary).toMatch(/^### ⏹️ Cancelled\n/);
    expect(summary).toContain(
      'the canary `storefront-canary` was removed and stable `storefront` serves 100%'
    );
    expect(table(summary, 'Timeline')[1][5]).toBe('⏹️ cancelled: the workflow run was cancelled (SIGINT)');
  });
  test('a canary left with traffic is said so', () => {
    const record: RolloutRecord = { ...fixture('cancelled'), finalWeight: 50, currentWeight: 50 };
    expect(renderTitle(record)).toBe('Cancelled at 50%; canary left at 50%');
  });
});

describe('paused', () => {
  const record = fixture('paused');
  test('says exactly how to continue with workflow_dispatch', () => {
    const summary = renderSummary(record, { workflowFile: 'manual-rollout.yml' });
    expect(renderTitle(record)).toBe('Paused at 10% for approval');
    const how = table(summary, 'How to continue');
    expect(how).toEqual([
      ['`deploy`', 'Continues from 10% to the next step, 50%, judged as before'],
      ['`promote`', 'Promotes `v2.4.0` to 100% now, skipping the remaining steps'],
      ['`rollback`', 'Removes the canary; stable `storefront` keeps serving `v2.3.1`']
    ]);
    expect(summary).toContain('gh workflow run manual-rollout.yml -f command=deploy -f version=v2.4.0');
    expect(summary).toContain('gh workflow run manual-rollout.yml -f command=rollback -f version=v2.4.0');
    // The instructions come before the tables, where a reviewer looks first.
    expect(summary.indexOf('How to continue')).toBeLessThan(summary.indexOf('### Timeline'));
  });
});

describe('in progress', () => {
  test('title shows the weight and the step', () => {
    const record = longRecord(3);
    expect(renderTitle(record)).toBe('Canary at 10%, step 1 of 1');
    record.steps = [10, 50, 100];
    expect(renderSummary(record)).toContain('| next | 50% → 100% | | | | pending |');
  });
});

describe('escaping', () => {
  test('pipes, newlines and HTML in reasons cannot break the tables', () => {
    const record: RolloutRecord = { ...fixture('failed'), reason: 'bad | thing\n<script>x</script>' };
    record.stepRecords[1].reason = 'a | b\nc';
    const summary = renderSummary(record);
    expect(summary).toContain('> bad \\| thing &lt;script&gt;x&lt;/script&gt;');
    expect(table(summary, 'Timeline')[1]).toHaveLength(6);
  });
  test('a message with a code fence cannot close the log block', () => {
    const record: RolloutRecord = { ...fixture('failed') };
    record.events = [
      ...record.events,
      { at: record.finishedAt!, type: 'error', message: 'oops ``` injected' }
    ];
    const text = renderText(record);
    expect(text.match(/```/g)).toHaveLength(2);
  });
});

describe('limits', () => {
  test('the log drops the oldest ticks first and says how many', () => {
    const record = longRecord(1000);
    const text = renderText(record);
    expect(text.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(text).toMatch(/_The oldest [\d,]+ log lines are omitted to fit GitHub's 65,535-character limit/);
    expect(text).toContain('tick-1000 marker');
    expect(text).not.toContain('tick-100 marker');
  });
  test('a small limit still yields a closed block with the newest line', () => {
    const text = renderText(fixture('rolled-back'), 2000);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.trimEnd().endsWith('```')).toBe(true);
    expect(text).toContain('helm uninstall storefront-canary');
  });
  test('the summary of a 1000-tick rollout fits and keeps its sparklines short', () => {
    const summary = renderSummary(longRecord(1000));
    expect(summary.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    const rows = table(summary, 'Trend');
    expect(rows[0][1]).toMatch(/^`[▁▂▃▄▅▆▇█·]{48}`$/);
    expect(summary).toContain('1,000 ticks every 30s, 21 per cell');
  });
});

describe('the evidence cell', () => {
  test('names the smallest regression the plan can confirm, when the errors test was made from one', () => {
    const base = fixture('rolled-back').metrics[0];
    expect(evidenceCell({ ...base, eValue: 3, eThreshold: 21.3, smallestDetectableRatio: 2.387 })).toBe(
      'e-value 3 < 21; plan confirms ≥ 2.39× stable'
    );
    expect(evidenceCell({ ...base, eValue: 3, eThreshold: 21.3 })).toBe('e-value 3 < 21');
  });
});

describe('commands run by hand', () => {
  test('a hand promotion does not claim steps that never ran', () => {
    const record: RolloutRecord = { ...fixture('healthy'), command: 'promote', stepRecords: [] };
    expect(renderTitle(record)).toBe(`Promoted ${record.version} to 100% by hand`);
  });
  test('a refusal says "Refused" once', () => {
    const record: RolloutRecord = {
      ...fixture('failed'),
      decision: 'refused',
      reason: 'Refused: the canary is being driven by run 42. Nothing was changed.'
    };
    expect(renderTitle(record)).toBe('Refused: the canary is being driven by run 42. Nothing was changed.');
  });
});
