// The demo scenarios' Helm argv for a storefront release: the chart, namespace and values file of the
// demo, the version as image.tag, then the scenario's own --set values, in the order Helm applies them.
import { describe, expect, it } from '@jest/globals';
import { storefrontHelmArgs } from '../../sandbox/demo/storefront-helm.js';

const ctx = { chart: 'charts/storefront', namespace: 'shop', valuesFile: '/tmp/values.yaml' };

describe('storefrontHelmArgs', () => {
  it('puts the command, release, chart, values and version first and each extra value after its own --set', () => {
    expect(storefrontHelmArgs(ctx, ['upgrade', '--install'], 'sf-canary', '2.0.0', ['a=1', 'b=2'])).toEqual([
      'upgrade',
      '--install',
      'sf-canary',
      'charts/storefront',
      '--namespace',
      'shop',
      '-f',
      '/tmp/values.yaml',
      '--set',
      'image.tag=2.0.0',
      '--set',
      'a=1',
      '--set',
      'b=2',
      '--wait',
      '--timeout',
      '60s'
    ]);
  });

  it('adds no --set beyond the version when a scenario has no values of its own', () => {
    const argv = storefrontHelmArgs(ctx, ['upgrade'], 'sf', '1.0.0');
    expect(argv.filter((arg) => arg === '--set')).toHaveLength(1);
    expect(argv.slice(0, 3)).toEqual(['upgrade', 'sf', 'charts/storefront']);
  });
});
