// The readable report: one block per scenario (a row per judge), then the targets with marks.
import { wilsonInterval } from '../src/judge/guards.js';
import type { ScenarioResult } from './aggregate.js';
import { TICK_SECONDS } from './sequential.js';
import { JUDGES } from './simulate.js';
import type { TargetCheck } from './targets.js';

const cell = (x: number | null, digits = 0, suffix = ''): string =>
  x === null ? '-' : `${x.toFixed(digits)}${suffix}`;
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Wald's bound floored at one tick of the judge: no judge that samples every tick can stop sooner. */
export function flooredBound(waldSeconds: number | null): number | null {
  return waldSeconds === null ? null : Math.max(waldSeconds, TICK_SECONDS);
}

/** Median time to detect over the floored bound (null without a bound or a median). */
export function ratioToBound(median: number | null, waldSeconds: number | null): number | null {
  const bound = flooredBound(waldSeconds);
  return median === null || bound === null ? null : median / bound;
}

/** "2.3% [1.7, 3.0]": a rate with its 95% Wilson interval over `runs`. */
export function rateWithInterval(rate: number, runs: number): string {
  const k = Math.round(rate * runs);
  const { lower, upper } = wilsonInterval(k, runs, 1.96);
  return `${percent(rate)} [${(lower * 100).toFixed(1)}, ${(upper * 100).toFixed(1)}]`;
}

export function renderTable(
  results: readonly ScenarioResult[],
  runsByName: ReadonlyMap<string, number>
): string {
  const header = [
    'scenario',
    'runs',
    'Wald',
    'judge',
    'median',
    'p90',
    'ratio',
    'false promote',
    'false rb [95% CI]',
    'excess bad'
  ];
  const rows: string[][] = [];
  for (const r of results) {
    const runs = runsByName.get(r.name) ?? 0;
    JUDGES.forEach((judge, i) => {
      const j = r.judges[judge];
      rows.push([
        i === 0 ? r.name : '',
        i === 0 ? String(runs || '') : '',
        i === 0 ? cell(r.waldBoundSeconds, 1, ' s') : '',
        judge,
        cell(j.medianDetectSeconds, 0, ' s'),
        cell(j.p90DetectSeconds, 0, ' s'),
        cell(ratioToBound(j.medianDetectSeconds, r.waldBoundSeconds), 2),
        j.detectedFraction === null ? '-' : percent(1 - j.detectedFraction),
        j.falseRollbackRate === null ? '-' : rateWithInterval(j.falseRollbackRate, runs),
        cell(j.excessBadRequests, 1)
      ]);
    });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]): string => `| ${cells.map((x, c) => x.padEnd(widths[c])).join(' | ')} |`;
  // The separator as Prettier writes it, so the printed table can go into Markdown docs unchanged.
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  return out.join('\n');
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `${c.ok ? '✓ pass' : '✗ FAIL'}  ${c.target}: ${c.measured}`).join('\n');
}
