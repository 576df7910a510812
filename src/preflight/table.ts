// The preflight's findings as a short fixed-width table for the log (the job summary renders the same
// lines as markdown, in src/report).
import type { PreflightLine, PreflightStatus } from './types.js';

export const STATUS_WORDS: Record<PreflightStatus, string> = {
  ok: 'ok',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'skip'
};

export function preflightTable(lines: readonly PreflightLine[], maxDetail = 140): string {
  const rows = lines.map((l) => [l.check, l.subject, STATUS_WORDS[l.status], clip(l.detail, maxDetail)]);
  const header = ['check', 'subject', 'status', 'found'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [format(header), ...rows.map(format)].join('\n');
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
