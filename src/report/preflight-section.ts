// The preflight's table in the check run and the job summary: every check, what it found, and the
// named error behind a failure.
import type { RolloutRecord } from '../rollout/record.js';
import type { PreflightStatus } from '../preflight/types.js';
import { tableCell } from './escape.js';

const STATUS: Record<PreflightStatus, string> = {
  ok: '✅ ok',
  warn: '⚠️ warn',
  fail: '❌ fail',
  skip: '➖ skipped'
};

export function preflightSection(record: RolloutRecord): string {
  const preflight = record.preflight;
  if (!preflight || preflight.lines.length === 0) return '';
  const lines = [
    `### Preflight${preflight.ok ? '' : ': stopped before any change'}`,
    '',
    '| Check | Subject | Status | Found |',
    '|---|---|---|---|'
  ];
  for (const l of preflight.lines) {
    const detail =
      l.code && l.status !== 'ok' ? `\`${l.code}\`: ${tableCell(l.detail)}` : tableCell(l.detail);
    lines.push(`| ${tableCell(l.check)} | ${tableCell(l.subject)} | ${STATUS[l.status]} | ${detail} |`);
  }
  lines.push('');
  return lines.join('\n');
}
