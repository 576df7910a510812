// The readable report: one block per scenario (a row per judge), then the targets with marks.
import type { ScenarioResult } from './aggregate.js';
import { JUDGES } from './simulate.js';
import type { TargetCheck } from './targets.js';

const cell = (x: number | null, digits = 0, suffix = ''): string =>
  x === null ? '-' : `${x.toFixed(digits)}${suffix}`;

export function renderTable(
  results: readonly ScenarioResult[],
  runsByName: ReadonlyMap<string, number>
): string {
  const header = ['scenario', 'runs', 'Wald', 'judge', 'detected', 'median', 'p90', 'false rb', 'excess bad'];
  const rows: string[][] = [];
  for (const r of results) {
    JUDGES.forEach((judge, i) => {
      const j = r.judges[judge];
      rows.push([
        i === 0 ? r.name : '',
        i === 0 ? String(runsByName.get(r.name) ?? '') : '',
        i === 0 ? cell(r.waldBoundSeconds, 1, ' s') : '',
        judge,
        j.detectedFraction === null ? '-' : `${(j.detectedFraction * 100).toFixed(1)}%`,
        cell(j.medianDetectSeconds, 0, ' s'),
        cell(j.p90DetectSeconds, 0, ' s'),
        j.falseRollbackRate === null ? '-' : `${(j.falseRollbackRate * 100).toFixed(1)}%`,
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
