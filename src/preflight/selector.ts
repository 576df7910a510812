// Reads a plain PromQL selector, `metric{label="value",...}`, into its metric name and matchers, so the
// preflight can tell which labels a query relies on. Anything else (functions, operators) is not a
// plain selector: the checks that need the matchers are skipped for it, and say so.
import { escapePromqlString } from '../metrics/promql.js';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  /** The value as written between the quotes (still escaped). */
  raw: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

const SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{([^{}]*)\})?\s*$/;
const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

export function parseSelector(query: string): Selector | undefined {
  const match = SELECTOR.exec(query);
  if (!match || (!match[1] && match[2] === undefined)) return undefined;
  const matchers: Matcher[] = [];
  const body = match[2] ?? '';
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length) {
    const start = MATCHER.lastIndex;
    const m = MATCHER.exec(body);
    if (!m) {
      if (body.slice(start).trim() === '') break;
      return undefined;
    }
    matchers.push({ label: m[1], op: m[2] as Matcher['op'], raw: m[3] });
  }
  let metric = match[1] ?? '';
  if (!metric) {
    const name = matchers.find((m) => m.label === '__name__' && m.op === '=');
    if (!name) return undefined;
    metric = name.raw;
  }
  return { metric, matchers: matchers.filter((m) => !(m.label === '__name__' && m.raw === metric)) };
}

/** The selector written back, the metric name first. Values stay as parsed (already escaped). */
export function formatSelector(selector: Selector): string {
  const body = selector.matchers.map((m) => `${m.label}${m.op}"${m.raw}"`).join(',');
  return `${selector.metric}{${body}}`;
}

/** A matcher for a label value that is not yet escaped. */
export function equalsMatcher(label: string, value: string): Matcher {
  return { label, op: '=', raw: escapePromqlString(value) };
}
