// Helm's --set syntax (strvals): `,` separates pairs and `\` escapes the next character in a value;
// `.` separates key segments. Values the action writes itself go through these helpers so a version
// like `1.2,3` or a run id with a backslash reaches the chart literally.

/** Escape a literal value for `--set key=<value>` / `--set-string key=<value>`. */
export function escapeSetValue(value: string): string {
  return value.replace(/[\\,]/g, (c) => `\\${c}`);
}

/** Escape one key segment (e.g. an annotation name with dots) for use inside a --set key. */
export function escapeSetKeySegment(segment: string): string {
  return segment.replace(/[\\.,=[\]]/g, (c) => `\\${c}`);
}

/** Split a Helm values path like `image.tag` or `ingress.annotations.a\.b/c` into its segments. */
export function splitValuesPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && i + 1 < path.length) {
      current += path[++i];
    } else if (c === '.') {
      segments.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

/** Read a nested value at a Helm values path from parsed values JSON; undefined when absent. */
export function readValuesPath(values: unknown, path: string): unknown {
  let node: unknown = values;
  for (const segment of splitValuesPath(path)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
