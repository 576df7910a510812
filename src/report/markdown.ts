// The check run's summary (decision, timeline, metrics, trends, run details) and text (the tick
// log), as GitHub-flavoured markdown. The job summary reuses them. Pure: no I/O, no clock.
import { preflightSection } from './preflight-section.js';
import type { MetricEvidence, MetricStatus } from '../judge/types.js';
import type { Decision, EventRecord, RolloutRecord, StepOutcome, TickRecord } from '../rollout/record.js';
import {
  formatChange,
  formatClock,
  formatCount,
  formatDuration,
  formatEValue,
  formatRatio,
  formatValue
} from '../format.js';
import { capText, keepNewest, MAX_OUTPUT_CHARS } from './limits.js';
import { codeBlock, inlineCode, markdownText, oneLine, shellArg, tableCell } from './escape.js';
import { decidingMetric, secondsToDecision, weightAtDecision } from './record-facts.js';
import { metricSparklines, MAX_SPARK_WIDTH } from './sparkline.js';
import { metricHeadline, renderTitle } from './title.js';

export interface RenderOptions {
  /** Workflow file for the "how to continue" commands, e.g. `release.yml` (from GITHUB_WORKFLOW_REF). */
  workflowFile?: string;
}

export interface CheckOutput {
  title: string;
  summary: string;
  text: string;
}

export function renderCheckOutput(record: RolloutRecord, options: RenderOptions = {}): CheckOutput {
  return { title: renderTitle(record), summary: renderSummary(record, options), text: renderText(record) };
}

const DECISION_HEADINGS: Record<Decision, string> = {
  promoted: '✅ Promoted',
  'rolled-back': '❌ Rolled back',
  failed: '❌ Failed',
  paused: '⏸️ Paused for approval',
  cancelled: '⏹️ Cancelled',
  none: '➖ Nothing to do',
  refused: '⛔ Refused',
  installed: '🆕 Installed as the first release'
};

const OUTCOME_LABELS: Record<StepOutcome, string> = {
  running: '🔄 running',
  passed: '✅ passed',
  'rolled-back': '❌ rolled back',
  failed: '❌ failed',
  paused: '⏸️ paused',
  cancelled: '⏹️ cancelled'
};

const STATUS_LABELS: Record<MetricStatus, string> = {
  ok: '✅ ok',
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail',
  'no-data': '❔ no data'
};

// ---------------------------------------------------------------- summary

export function renderSummary(record: RolloutRecord, options: RenderOptions = {}): string {
  if (record.members) return groupSummary(record, record.members, options);
  const parts = [
    decisionSection(record),
    preflightSection(record),
    record.decision === 'paused' ? continueSection(record, options) : '',
    timelineSection(record),
    metricsSection(record),
    trendSection(record),
    detailsSection(record)
  ];
  return capText(parts.filter((p) => p !== '').join('\n'), MAX_OUTPUT_CHARS);
}

function decisionSection(record: RolloutRecord): string {
  const heading = record.decision ? DECISION_HEADINGS[record.decision] : `🔄 In progress: ${record.phase}`;
  const lines = [`### ${heading}`, ''];
  if (record.reason) lines.push(`> ${markdownText(record.reason)}`, '');
  lines.push(stateSentence(record), '');
  return lines.join('\n');
}

/** Where traffic stands now, in one sentence. */
function stateSentence(record: RolloutRecord): string {
  const stable = code(record.release);
  const canary = code(record.canaryRelease);
  const prev = record.previousVersion ? ` ${code(record.previousVersion)}` : '';
  const next = code(record.version);
  const at = weightAtDecision(record);
  const dry = record.dryRun ? ' (dry run: nothing was changed)' : '';
  switch (record.decision) {
    case 'promoted':
      if (record.incomplete)
        return `Stable ${stable} now runs ${next}, but the canary ${canary} still holds ${record.finalWeight}% of traffic: remove it with \`command: rollback\`.${dry}`;
      return `Stable ${stable} now runs ${next} at 100% after ${formatDuration(secondsToDecision(record))}; the canary release ${canary} was removed.${dry}`;
    case 'rolled-back':
    case 'failed':
      if (record.nothingDeployed) return `Nothing was deployed: stable ${stable} serves 100%, untouched.`;
      if (record.incomplete)
        return `The canary ${canary} (${next}) is still deployed at ${record.finalWeight}%: remove it with \`command: rollback\`; stable ${stable}${prev} serves the rest.${dry}`;
      return record.finalWeight === 0
        ? `The canary ${canary} (${next}) was rolled back from ${at}%; stable ${stable} keeps serving${prev} at 100%, untouched.${dry}`
        : `The canary ${canary} (${next}) still holds ${record.finalWeight}% of traffic: check the release by hand.${dry}`;
    case 'cancelled':
      return record.finalWeight === 0
        ? `The run was interrupted at ${at}%; the canary ${canary} was removed and stable ${stable} serves 100%.${dry}`
        : `The run was interrupted at ${at}%; the canary ${canary} still holds ${record.finalWeight}% of traffic.${dry}`;
    case 'paused':
      return `The canary ${canary} (${next}) holds ${record.currentWeight}% of traffic and waits for a person; stable ${stable}${prev} serves the rest.${dry}`;
    case 'installed':
      return `There was no stable release to compare against, so ${next} was installed directly as stable ${stable} and serves 100%; it was not canaried. The next version will be.${dry}`;
    case 'none':
    case 'refused':
      return `Nothing was changed: stable ${stable} serves 100%.`;
    case undefined:
      return `The canary ${canary} (${next}) holds ${record.currentWeight}% of traffic; stable ${stable}${prev} serves the rest.${dry}`;
  }
}

function continueSection(record: RolloutRecord, options: RenderOptions): string {
  const workflow = options.workflowFile ?? workflowFileOf(record) ?? '<your workflow file>';
  const version = record.version;
  const nextStep = record.steps.find((w) => w > record.currentWeight);
  const gh = (command: string): string =>
    ['gh', 'workflow', 'run', workflow, '-f', `command=${command}`, '-f', `version=${version}`]
      .map(shellArg)
      .join(' ');
  const lines = [
    '### How to continue',
    '',
    `Run the workflow again (\`workflow_dispatch\`, same release and version ${code(version)}) with one of these commands:`,
    '',
    '| `command` | What happens |',
    '|---|---|',
    `| \`deploy\` | Continues from ${record.currentWeight}% ${nextStep !== undefined ? `to the next step, ${nextStep}%` : 'to promotion'}, judged as before |`,
    `| \`promote\` | Promotes ${code(version)} to 100% now, skipping the remaining steps |`,
    `| \`rollback\` | Removes the canary; stable ${code(record.release)} keeps serving${record.previousVersion ? ` ${code(record.previousVersion)}` : ''} |`,
    '',
    'With the GitHub CLI:',
    '',
    codeBlock('sh', [gh('deploy'), gh('promote'), gh('rollback')]),
    ''
  ];
  return lines.join('\n');
}

function workflowFileOf(record: RolloutRecord): string | undefined {
  const w = record.run?.workflow;
  return w && /\.ya?ml$/.test(w) ? w.split('/').pop() : undefined;
}

function timelineSection(record: RolloutRecord): string {
  if (record.stepRecords.length === 0) return '';
  const lines = [
    '### Timeline',
    '',
    '| Step | Weight | Soaked | Canary requests | Stable requests | Outcome |',
    '|---:|---:|---:|---:|---:|---|'
  ];
  for (const s of record.stepRecords) {
    const outcome = OUTCOME_LABELS[s.outcome] + (s.reason ? `: ${tableCell(s.reason)}` : '');
    lines.push(
      `| ${s.index + 1} of ${record.steps.length} | ${s.weight}% | ${formatDuration(s.soakedSeconds)} of ${formatDuration(record.soakSeconds)} | ${formatCount(s.canaryRequests)} | ${formatCount(s.stableRequests)} | ${outcome} |`
    );
  }
  const pending = record.steps.slice(record.stepRecords.length);
  if (pending.length > 0 && !record.decision)
    lines.push(`| next | ${pending.map((w) => `${w}%`).join(' → ')} | | | | pending |`);
  lines.push('');
  return lines.join('\n');
}

function metricsSection(record: RolloutRecord): string {
  if (record.metrics.length === 0) return '';
  const lines = [
    '### Metrics',
    '',
    '| Metric | Stable | Canary | Change | Evidence | Guard | Verdict |',
    '|---|---:|---:|---:|---|---|---|'
  ];
  for (const m of record.metrics) {
    lines.push(
      `| ${tableCell(m.title)} | ${armCell(m.stable, m.stableEvents, m)} | ${armCell(m.canary, m.canaryEvents, m)} | ${formatChange(m.canary, m.stable)} | ${evidenceCell(m)} | ${guardCell(m)} | ${STATUS_LABELS[m.status]} |`
    );
  }
  lines.push('');
  const sentences = record.metrics.filter((m) => m.sentence).map((m) => `- ${markdownText(m.sentence)}`);
  if (sentences.length) lines.push(...sentences, '');
  return lines.join('\n');
}

function armCell(value: number | null, events: number, m: MetricEvidence): string {
  const v = formatValue(value, m.unit);
  return m.unit === 'count' ? v : `${v} <sub>n=${formatCount(events)}</sub>`;
}

/** The statistical evidence with its threshold, so a reader sees how close it came. */
export function evidenceCell(m: MetricEvidence): string {
  const parts: string[] = [];
  if (m.eValue !== undefined) {
    if (m.eThreshold !== undefined) {
      const crossed = m.eValue >= m.eThreshold;
      parts.push(
        `e-value ${formatEValue(m.eValue)} ${crossed ? '≥' : '<'} ${formatEValue(m.eThreshold)}${crossed ? ' **crossed**' : ''}`
      );
    } else parts.push(`e-value ${formatEValue(m.eValue)}`);
  }
  // The smallest regression the plan can confirm: below it, "no regression found" says little.
  if (m.smallestDetectableRatio !== undefined)
    parts.push(`plan confirms ≥ ${formatRatio(m.smallestDetectableRatio)}× stable`);
  if (m.lower !== undefined || m.upper !== undefined) {
    const lo = m.lower !== undefined ? m.lower.toFixed(3) : '–';
    const hi = m.upper !== undefined ? m.upper.toFixed(3) : '–';
    parts.push(`canary/stable in [${lo}, ${hi}]`);
  }
  return parts.length ? parts.join('; ') : '–';
}

function guardCell(m: MetricEvidence): string {
  if (!m.guard) return '–';
  const limit = `${m.guard.comparator === '<=' ? '≤' : '≥'} ${formatValue(m.guard.limit, m.unit)}`;
  return m.guard.breached ? `**${limit} breached**` : limit;
}

function trendSection(record: RolloutRecord): string {
  if (record.ticks.length === 0) return '';
  const rows = metricSparklines(record);
  const per = Math.ceil(record.ticks.length / MAX_SPARK_WIDTH);
  const lines = [
    '### Trend',
    '',
    `${formatCount(record.ticks.length)} ticks every ${formatDuration(record.intervalSeconds)}${per > 1 ? `, ${per} per cell` : ''}; a metric's two arms share one scale, lowest to highest value; requests are scaled per arm (\`·\` = no data).`,
    '',
    '| Metric | Stable | Canary |',
    '|---|---|---|'
  ];
  for (const r of rows) lines.push(`| ${tableCell(r.title)} | ${code(r.stable)} | ${code(r.canary)} |`);
  lines.push('');
  return lines.join('\n');
}

function detailsSection(record: RolloutRecord): string {
  const rows: Array<[string, string]> = [
    ['Releases', `stable \`${record.release}\`, canary \`${record.canaryRelease}\``],
    [
      'Version',
      record.previousVersion
        ? `${code(record.previousVersion)} → ${code(record.version)}`
        : code(record.version)
    ],
    ['Chart', `${code(record.chart)}${record.chartVersion ? ` ${code(record.chartVersion)}` : ''}`],
    ['Namespace', code(record.namespace)],
    [
      'Plan',
      `${record.steps.map((w) => `${w}%`).join(' → ')}, soak ${formatDuration(record.soakSeconds)} per step, a sample every ${formatDuration(record.intervalSeconds)}`
    ],
    ['Judge', `${record.judge}, decision ${record.decisionMode}, routing ${record.routing}`],
    ['Command', `${code(record.command)}${record.dryRun ? ' (dry run)' : ''}`]
  ];
  const run = record.run;
  if (run?.url) {
    const label = run.workflow
      ? `${tableCell(run.workflow)}${run.job ? ` / ${tableCell(run.job)}` : ''}`
      : 'workflow run';
    rows.push(['Workflow run', `[${label}](${run.url})`]);
  }
  if (run?.sha) rows.push(['Commit', commitLink(record)]);
  rows.push(['Started', `${record.startedAt}${record.finishedAt ? `, finished ${record.finishedAt}` : ''}`]);
  const lines = [
    '### Details',
    '',
    '| Detail | Value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    ''
  ];
  return lines.join('\n');
}

function commitLink(record: RolloutRecord): string {
  const sha = record.run?.sha ?? '';
  const short = code(sha.slice(0, 7));
  const origin = record.run?.url?.match(/^https?:\/\/[^/]+/)?.[0];
  if (origin && record.run?.repository) return `[${short}](${origin}/${record.run.repository}/commit/${sha})`;
  return short;
}

// ---------------------------------------------------------------- text (tick log)

/** The tick-by-tick log, newest last; the oldest ticks go first when it would not fit. */
export function renderText(record: RolloutRecord, max = MAX_OUTPUT_CHARS): string {
  if (record.members) {
    // A group: each release's tick log under its name, sharing the limit.
    const share = Math.floor(max / record.members.length) - 100;
    const logs = record.members.map((m) => `## ${markdownText(m.release)}\n\n${renderText(m, share)}`);
    return capText(logs.join('\n'), max);
  }
  const entries = logEntries(record);
  const head = `### Tick log\n\n${formatCount(record.ticks.length)} ticks, ${formatCount(record.events.length)} events, times in UTC.\n\n`;
  const open = '```text\n';
  const close = '```\n';
  // Reserve room for the "omitted" note, whose length depends on a number of at most 7 digits.
  const note = (n: number): string =>
    `_The oldest ${formatCount(n)} log lines are omitted to fit GitHub's ${formatCount(max)}-character limit; every tick is in the \`report\` JSON output._\n\n`;
  const budget = max - head.length - open.length - close.length - note(9_999_999).length;
  const { kept, dropped } = keepNewest(entries, budget);
  return head + (dropped > 0 ? note(dropped) : '') + open + kept.map((l) => `${l}\n`).join('') + close;
}

function logEntries(record: RolloutRecord): string[] {
  const items: Array<{ at: number; order: number; line: string }> = [];
  record.events.forEach((e, i) => items.push({ at: Date.parse(e.at), order: i, line: eventLine(e) }));
  record.ticks.forEach((t, i) =>
    items.push({ at: Date.parse(t.at), order: record.events.length + i, line: tickLine(t, record) })
  );
  // Stable chronological order; unparsable times keep their place among their own kind.
  items.sort((a, b) =>
    Number.isNaN(a.at) || Number.isNaN(b.at) ? a.order - b.order : a.at - b.at || a.order - b.order
  );
  return items.map((i) => fence(i.line));
}

function eventLine(e: EventRecord): string {
  return `${formatClock(e.at)}  ${e.type.padEnd(13)}  ${oneLineOf(e.message)}`;
}

/** One tick: time, step and weight, traffic, the verdict, then each metric canary|stable. */
export function tickLine(t: TickRecord, record: RolloutRecord): string {
  const parts = [
    formatClock(t.at),
    `+${formatDuration(t.elapsedSeconds)}`.padEnd(8),
    `step ${t.stepIndex + 1}/${record.steps.length} ${`${t.weight}%`.padStart(4)}`,
    `req ${formatCount(t.canaryRequests)}|${formatCount(t.stableRequests)}`,
    t.action.padEnd(8)
  ];
  if (t.unavailable) parts.push(`metrics unavailable: ${oneLineOf(t.unavailable)}`);
  for (const m of t.metrics) parts.push(tickMetric(m));
  if (t.warning) parts.push(`warning: ${oneLineOf(t.warning)}`);
  return parts.join('  ');
}

function tickMetric(m: MetricEvidence): string {
  const e = m.eValue !== undefined ? ` e=${formatEValue(m.eValue)}` : '';
  const flag =
    m.status === 'fail' ? ' FAIL' : m.status === 'warn' ? ' warn' : m.status === 'no-data' ? ' no-data' : '';
  return `${m.metric} ${formatValue(m.canary, m.unit)}|${formatValue(m.stable, m.unit)}${e}${flag}`;
}

// ---------------------------------------------------------------- helpers

const oneLineOf = oneLine;

/** Inline code in a table cell: the fence keeps the code whole, and a `|` would still end the cell. */
function code(text: string): string {
  return inlineCode(text).replace(/\|/g, '\\|');
}

/** A log line must never close the fenced block it sits in. */
function fence(line: string): string {
  return line.replace(/```/g, "'''");
}

/** The reason a rollback headline would show; exported for alerts. */
export function decisionHeadline(record: RolloutRecord): string {
  const m = record.decision === 'rolled-back' ? decidingMetric(record) : undefined;
  return m ? metricHeadline(m) : (record.reason ?? '');
}

/** A release group: its decision, a table of the releases, then one section per release. */
function groupSummary(record: RolloutRecord, members: RolloutRecord[], options: RenderOptions): string {
  const heading = record.decision ? DECISION_HEADINGS[record.decision] : `🔄 In progress: ${record.phase}`;
  const lines = [`### ${heading}: release group ${code(record.group?.file ?? record.release)}`, ''];
  if (record.reason) lines.push(`> ${markdownText(record.reason)}`, '');
  lines.push(
    '| Release | Version | Decision | Final weight | Previous revision |',
    '| --- | --- | --- | --- | --- |'
  );
  for (const m of members) {
    const decision = m.decision ? DECISION_HEADINGS[m.decision] : `🔄 ${m.phase}`;
    const previous = m.previousRevision === undefined ? '' : String(m.previousRevision);
    lines.push(
      `| ${tableCell(m.release)} | ${tableCell(m.version)} | ${decision} | ${m.finalWeight}% | ${previous} |`
    );
  }
  if (record.group) {
    lines.push(
      '',
      `Each release's judge runs at alpha ${record.group.alpha} / ${members.length}, so the group's false-rollback rate stays at most ${record.group.alpha}.`
    );
  }
  // Each release's own summary, within its share of GitHub's limit.
  const share = Math.floor((MAX_OUTPUT_CHARS - 4_000) / members.length);
  const sections = members.map(
    (m) => `\n---\n\n## 📦 ${markdownText(m.release)}\n\n${capText(renderSummary(m, options), share)}`
  );
  return capText([...lines, ...sections].join('\n'), MAX_OUTPUT_CHARS);
}
