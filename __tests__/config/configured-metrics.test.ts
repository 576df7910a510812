// Which metrics the user configured: the preflight drops a blind default with a warning, but a blind
// configured metric is an error.
import { parseAnalysisYaml } from '../../src/config/analysis.js';
import { resolveMetrics } from '../../src/config/resolve-metrics.js';

const configured = (yaml?: string) =>
  Object.fromEntries(
    resolveMetrics(
      yaml === undefined ? undefined : parseAnalysisYaml(yaml, 'input `analysis`'),
      {},
      0.05
    ).metrics.map((m) => [m.name, m.configured === true])
  );

describe('configured metrics', () => {
  it('the built-ins untouched are defaults', () => {
    expect(configured()).toEqual({ 'error-rate': false, 'latency-p95': false, conversion: false });
  });

  it('a names: key a built-in is made from configures it; the shared release label does not', () => {
    expect(configured('names:\n  status-code-label: status\n  release-label: app\n')).toEqual({
      'error-rate': true,
      'latency-p95': false,
      conversion: false
    });
  });

  it('a metrics: entry configures the built-in it overrides, and every metric of the user’s own', () => {
    const yaml = [
      'metrics:',
      '  - name: latency-p95',
      '    quantile: 0.99',
      '  - name: search-errors',
      '    kind: errors',
      '    bad: search_errors_total{release="{{release}}"}',
      '    total: search_total{release="{{release}}"}',
      ''
    ].join('\n');
    expect(configured(yaml)).toEqual({
      'error-rate': false,
      'latency-p95': true,
      conversion: false,
      'search-errors': true
    });
  });
});
