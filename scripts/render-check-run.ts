// Renders the check run of a saved rollout record the way a reader sees it on the pull request:
// the markdown to HTML (marked, GitHub-flavoured), then a screenshot in headless Chromium.
//   npx tsx scripts/render-check-run.ts [RECORD.json] [OUT.png]
// Defaults: the rolled-back fixture -> docs/images/check-run.png. It also refreshes the markdown
// pasted in docs/report.md between the check-run markers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { chromium } from 'playwright-core';
import type { RolloutRecord } from '../src/rollout/record.js';
import { previewCheckRun } from '../src/report/preview.js';

const root = path.resolve(import.meta.dirname, '..');
const recordFile = process.argv[2] ?? path.join(root, '__tests__/fixtures/records/rolled-back.json');
const outFile = process.argv[3] ?? path.join(root, 'docs/images/check-run.png');
const docFile = path.join(root, 'docs/report.md');

const CONCLUSION_ICONS: Record<string, string> = {
  success: '✅',
  failure: '❌',
  cancelled: '⏹️',
  action_required: '⏸️',
  neutral: '➖'
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function page(body: ReturnType<typeof previewCheckRun>): string {
  const summary = marked.parse(body.output.summary, { gfm: true, async: false });
  const icon = CONCLUSION_ICONS[body.conclusion ?? ''] ?? '🔄';
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #f6f8fa; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; }
  .run { width: 980px; margin: 16px auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
  .head { padding: 16px 24px; border-bottom: 1px solid #d1d9e0; }
  .name { font-size: 20px; font-weight: 600; }
  .title { color: #59636e; margin-top: 4px; font-size: 15px; }
  .meta { color: #59636e; font-size: 12px; margin-top: 8px; }
  .body { padding: 8px 24px 16px; }
  h3 { font-size: 16px; margin: 20px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d1d9e0; }
  blockquote { margin: 0 0 12px; padding: 0 12px; color: #59636e; border-left: 4px solid #d1d9e0; }
  table { border-collapse: collapse; margin-bottom: 12px; font-size: 13px; }
  th, td { border: 1px solid #d1d9e0; padding: 4px 10px; vertical-align: top; white-space: nowrap; }
  td:last-child { white-space: normal; }
  tr:nth-child(2n) td { background: #f6f8fa; }
  th { background: #fff; font-weight: 600; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
  pre { background: #f6f8fa; padding: 12px; border-radius: 6px; overflow: auto; }
  pre code { background: none; padding: 0; }
  sub { color: #59636e; }
  ul { padding-left: 20px; }
  a { color: #0969da; text-decoration: none; }
</style></head><body><div class="run">
  <div class="head">
    <div class="name">${icon} ${escapeHtml(body.name)}</div>
    <div class="title">${escapeHtml(body.output.title)}</div>
    <div class="meta">conclusion: ${escapeHtml(body.conclusion ?? body.status)} · started ${escapeHtml(body.started_at)}${body.completed_at ? ` · completed ${escapeHtml(body.completed_at)}` : ''}</div>
  </div>
  <div class="body">${summary}</div>
</div></body></html>`;
}

function pasteIntoDoc(body: ReturnType<typeof previewCheckRun>): void {
  const start = '<!-- check-run:start -->';
  const end = '<!-- check-run:end -->';
  let doc: string;
  try {
    doc = readFileSync(docFile, 'utf8');
  } catch {
    return;
  }
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) return;
  const pasted = `${start}\n\n**${body.name}**: ${body.output.title}\n\n${body.output.summary.trimEnd()}\n\n${end}`;
  writeFileSync(docFile, doc.slice(0, from) + pasted + doc.slice(to + end.length));
}

async function main(): Promise<void> {
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as RolloutRecord;
  const body = previewCheckRun(record);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run'
    ]
  });
  try {
    const view = await browser.newPage({ viewport: { width: 1012, height: 800 }, deviceScaleFactor: 1 });
    await view.setContent(page(body), { waitUntil: 'load' });
    await view.locator('.run').screenshot({ path: outFile });
  } finally {
    await browser.close();
  }
  pasteIntoDoc(body);
  process.stdout.write(`${path.relative(root, outFile)} written from ${path.relative(root, recordFile)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`render-check-run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
