// The Helm argv a scenario uses to install or upgrade a storefront release from the demo's chart and
// values file, so each scenario says only what is its own (the command, the version, extra --set values).
import type { DemoContext } from './types.js';

export function storefrontHelmArgs(
  ctx: Pick<DemoContext, 'chart' | 'namespace' | 'valuesFile'>,
  command: string[],
  release: string,
  version: string,
  sets: string[] = []
): string[] {
  return [
    ...command,
    release,
    ctx.chart,
    '--namespace',
    ctx.namespace,
    '-f',
    ctx.valuesFile,
    '--set',
    `image.tag=${version}`,
    ...sets.flatMap((set) => ['--set', set]),
    '--wait',
    '--timeout',
    '60s'
  ];
}
