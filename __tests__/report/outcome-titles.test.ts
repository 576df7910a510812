// Titles and state sentences say what the cluster shows: nothing deployed, or a canary left over.
import { renderTitle } from '../../src/report/title.js';
import { renderSummary } from '../../src/report/markdown.js';
import { newRecord, decide } from '../../src/rollout/record-builder.js';
import { makeSpec } from '../helpers/fakes.js';

const at = new Date('2026-11-21T12:00:00Z');

test('a run that failed before any release changed says so, not "Failed at 0%, canary removed"', () => {
  const record = newRecord(makeSpec(), at);
  record.nothingDeployed = true;
  decide(record, 'failed', 'The rollout failed: chart render failed. Nothing was deployed.', 0, at);
  expect(renderTitle(record)).toMatch(
    /^Failed before anything was deployed: The rollout failed: chart render failed/
  );
  expect(renderTitle(record)).not.toMatch(/0%|canary removed/);
  expect(renderSummary(record)).toContain('Nothing was deployed');
});

test('a promotion with the canary left over says what is left, not that the canary was removed', () => {
  const record = newRecord(makeSpec(), at);
  record.incomplete =
    'storefront-canary is still deployed at 50% (deployed); remove it with `command: rollback`.';
  decide(record, 'promoted', 'All 2 steps passed in 22s. storefront now runs 2.0.0 at 100%', 50, at);
  expect(renderTitle(record)).toBe(
    'Promoted 2.0.0, but storefront-canary still holds 50%: remove it with command: rollback'
  );
  const summary = renderSummary(record);
  expect(summary).toContain('still holds 50% of traffic');
  expect(summary).not.toContain('was removed');
});
