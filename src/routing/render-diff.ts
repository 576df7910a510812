// Which objects of the canary's render change with the weight: the proof that a chart-values router's
// weight reaches something that routes. Checksum annotations (a hash of all values) are left out, since
// they change with any value and route nothing.
import { objectLabel, type ManifestObject } from '../preflight/manifest.js';

/** Labels of the objects that differ (or exist in one render only) between the two renders. */
export function objectsChangedBetween(a: ManifestObject[], b: ManifestObject[]): string[] {
  const index = (objects: ManifestObject[]) =>
    new Map(objects.map((o) => [objectLabel(o), canonical(o.body)]));
  const left = index(a);
  const right = index(b);
  const labels = new Set([...left.keys(), ...right.keys()]);
  return [...labels].filter((label) => left.get(label) !== right.get(label)).sort();
}

function canonical(value: unknown, key = ''): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !(key === 'annotations' && k.startsWith('checksum/')))
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, k)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
