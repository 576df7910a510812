// `key=value` lists, one per line, for the `set` and `weight-values` inputs. Blank lines and lines
// starting with `#` are skipped. Keys use Helm's --set path syntax (dots, [index], escaped dots).
import { ConfigError, expectedError } from './errors.js';

export interface KeyValue {
  key: string;
  value: string;
}

const HELM_KEY = /^[A-Za-z0-9_\-/\\.[\]]+$/;
export const WEIGHT_PLACEHOLDER = '{{weight}}';

export function isHelmKey(key: string): boolean {
  return HELM_KEY.test(key) && !key.startsWith('.') && !key.endsWith('.') && !key.includes('..');
}

export function parseKeyValues(text: string, where: string): KeyValue[] {
  const pairs: KeyValue[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${where} line ${index + 1}`;
    const equals = line.indexOf('=');
    if (equals <= 0) throw expectedError(at, 'key=value, one per line', line);
    const key = line.slice(0, equals).trim();
    if (!isHelmKey(key)) {
      throw expectedError(
        at,
        'a Helm value key such as image.tag or ingress.annotations.x (letters, digits, . _ - / [ ])',
        key
      );
    }
    pairs.push({ key, value: line.slice(equals + 1).trim() });
  });
  return pairs;
}

/**
 * `weight-values` for `routing: values`: the same format, where at least one line carries
 * {{weight}} (lines without it set canary-only constants such as `canary.enabled=true`).
 */
export function parseWeightValues(text: string, where: string): KeyValue[] {
  const pairs = parseKeyValues(text, where);
  for (const pair of pairs) {
    const unknown = (pair.value.match(/\{\{[^}]*\}\}/g) ?? []).filter(
      (token) => token !== WEIGHT_PLACEHOLDER
    );
    if (unknown.length > 0) {
      throw new ConfigError(
        `${where}: unknown placeholder ${unknown[0]} in "${pair.key}=${pair.value}"; the only placeholder is ${WEIGHT_PLACEHOLDER}.`
      );
    }
  }
  if (!pairs.some((pair) => pair.value.includes(WEIGHT_PLACEHOLDER))) {
    throw expectedError(
      where,
      `key=value lines where at least one value contains ${WEIGHT_PLACEHOLDER}, e.g. canary.weight=${WEIGHT_PLACEHOLDER}`,
      text
    );
  }
  return pairs;
}
