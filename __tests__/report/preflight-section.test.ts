import { renderSummary } from '../../src/report/markdown.js';
import { newRecord } from '../../src/rollout/record-builder.js';
import { rolloutSpec } from '../helpers/rollout-spec.js';

describe('the preflight table in the summary', () => {
  it('shows every line, the named error of a failure, and escapes what Prometheus or Helm wrote', () => {
    const record = newRecord(rolloutSpec(), new Date('2026-12-01T12:00:00Z'));
    record.decision = 'failed';
    record.reason = 'Preflight found 1 problem';
    record.nothingDeployed = true;
    record.preflight = {
      ok: false,
      droppedMetrics: [],
      lines: [
        { check: 'stable', subject: 'storefront', status: 'ok', detail: 'deployed, revision 3' },
        {
          check: 'metrics',
          subject: 'error-rate',
          status: 'fail',
          detail: 'no label `status` | <b>x</b>',
          code: 'status-label-missing'
        }
      ]
    };
    const summary = renderSummary(record);
    expect(summary).toContain('### Preflight: stopped before any change');
    expect(summary).toContain('| stable | storefront | ✅ ok | deployed, revision 3 |');
    expect(summary).toContain(
      '| metrics | error-rate | ❌ fail | `status-label-missing`: no label \\`status\\` \\| &lt;b&gt;x&lt;/b&gt; |'
    );
  });

  it('says nothing when no preflight ran', () => {
    const record = newRecord(rolloutSpec(), new Date());
    expect(renderSummary(record)).not.toContain('Preflight');
  });
});
