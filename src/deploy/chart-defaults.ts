// The chart's default values (`helm show values`), read once before anything is deployed, so the
// routing can tell what the chart lets it set (e.g. whether it exposes `ingress.annotations`).
import { parse } from 'yaml';
import type { RolloutSpec } from '../config/spec.js';
import type { CommandRunner } from './command-runner.js';
import { HelmError, displayCommand } from './helm-error.js';

export function showValuesArgs(spec: Pick<RolloutSpec, 'chart' | 'chartVersion'>): string[] {
  return ['show', 'values', spec.chart, ...(spec.chartVersion ? ['--version', spec.chartVersion] : [])];
}

export async function chartDefaultValues(
  run: CommandRunner,
  spec: Pick<RolloutSpec, 'chart' | 'chartVersion'>,
  helmPath = 'helm'
): Promise<unknown> {
  const args = showValuesArgs(spec);
  const result = await run(helmPath, args);
  if (result.exitCode !== 0)
    throw new HelmError(displayCommand(helmPath, args), result.exitCode, result.stderr);
  return parse(result.stdout) ?? {};
}
