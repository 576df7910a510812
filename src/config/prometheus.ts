// Prometheus connection settings: the base URL (http or https only) and extra request headers.
// Header values are secrets (tokens, tenant ids): messages name the header, never its value.
import { parse as parseYaml } from 'yaml';
import { ConfigError, expectedError } from './errors.js';

export function parsePrometheusUrl(text: string, where: string): string {
  const trimmed = text.trim();
  const expected =
    'an http:// or https:// URL of the Prometheus server, e.g. http://prometheus.monitoring:9090';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw expectedError(where, expected, redactUrl(trimmed));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw expectedError(where, expected, redactUrl(trimmed));
  if (url.search !== '' || url.hash !== '') {
    throw expectedError(where, `${expected}, without a ?query or #fragment`, redactUrl(trimmed));
  }
  // The adapter appends /api/v1/...; a trailing slash would double it.
  return trimmed.replace(/\/+$/, '');
}

/** An http(s) URL for a webhook. A secret: the value is never echoed. */
export function parseWebhookUrl(text: string, where: string): string {
  const trimmed = text.trim();
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw expectedError(where, 'an http:// or https:// URL (value not shown: it is a secret)');
  }
  return trimmed;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const HEADER_LINE = /^([^:\s]+)\s*:\s*(.*)$/;

/**
 * `Name: value` lines, or a YAML/JSON map (`{"Authorization": "Bearer ..."}`). A line-form value
 * wrapped in matching quotes is unquoted, so the block also reads the same as a YAML map.
 */
export function parsePrometheusHeaders(text: string, where: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const entries = trimmed.startsWith('{') ? parseHeaderMap(trimmed, where) : parseHeaderLines(trimmed, where);
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name))
      throw expectedError(where, 'header names made of letters, digits and -', name);
    if (value === '' || /[\r\n]/.test(value)) {
      throw new ConfigError(
        `${where}: header "${name}" needs a one-line, non-empty value (value not shown: it is a secret).`
      );
    }
    const duplicate = Object.keys(headers).find((known) => known.toLowerCase() === name.toLowerCase());
    if (duplicate) throw new ConfigError(`${where}: header "${name}" is given twice.`);
    headers[name] = value;
  }
  return headers;
}

function parseHeaderLines(text: string, where: string): Array<[string, string]> {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, index) => {
      const match = HEADER_LINE.exec(line);
      // A secret input: name the line, never show any of its content (it may be a bare token).
      if (!match) throw expectedError(`${where} line ${index + 1}`, '`Name: value` (line content not shown)');
      return [match[1], unquote(match[2].trim())];
    });
}

function parseHeaderMap(text: string, where: string): Array<[string, string]> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    throw expectedError(
      where,
      '`Name: value` lines or a YAML/JSON map of header names to values (value not shown)'
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw expectedError(where, 'a map of header names to values');
  }
  return Object.entries(parsed as Record<string, unknown>).map(([name, value]) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigError(`${where}: header "${name}" needs a string value.`);
    }
    return [name, String(value)];
  });
}

function unquote(value: string): string {
  const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]);
  return quoted ? value.slice(1, -1) : value;
}

/** user:password@ in a URL is a credential: keep it out of messages. */
function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** The password of user:password@host URLs, to be masked in logs. */
export function urlPassword(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.password !== '' ? decodeURIComponent(url.password) : undefined;
  } catch {
    return undefined;
  }
}
