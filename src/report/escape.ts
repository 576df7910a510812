// One escaping helper per sink. Everything a user, Helm or Prometheus can influence (versions,
// release and check names, reasons, metric titles) goes through the helper of the sink it lands
// in, so a backtick, a pipe, `<img ...>`, `$(...)` or `<!channel>` always comes out as text.

/** One line: newlines and runs of white space around them become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/**
 * Markdown prose (a quote, a list item, a heading): one line, HTML defused, and the characters
 * that start markdown constructs backslash-escaped, so nothing renders as a link, image or code.
 */
export function markdownText(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|!#~])/g, '\\$1');
}

/** A table cell: markdown prose, in which a `|` would end the cell (escaped by markdownText). */
export function tableCell(text: string): string {
  return markdownText(text);
}

/** Inline code: a fence longer than any run of backticks inside, so the span cannot be closed early. */
export function inlineCode(text: string): string {
  const line = oneLine(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced code block whose fence no line inside can close. */
export function codeBlock(language: string, lines: string[]): string {
  const longest = Math.max(0, ...lines.flatMap((l) => l.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...lines, fence].join('\n');
}

/** One POSIX shell word: as is when it is plainly safe, else single-quoted. */
export function shellArg(text: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Slack mrkdwn: &, < and > are its control characters (`<!channel>`, `<url|link>`). */
export function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
