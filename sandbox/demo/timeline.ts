// A compact timeline of one scenario: traffic per arm every few seconds (from the storefront's own
// answers), the canary's weight on its Ingress or HTTPRoute, and what happened (Helm operations,
// Prometheus frozen and resumed, the decision) at the moment it happened.
import type { SecondBucket } from '../loadgen/loadgen.js';
import type { ReleaseEvent, WeightEntry } from './cluster-watch.js';

const pad = (s: string | number, n: number): string => String(s).padStart(n);

export interface Mark {
  readonly at: number;
  readonly text: string;
}

export interface TimelineInput {
  readonly since: number;
  readonly until: number;
  readonly perSecond: readonly SecondBucket[];
  readonly weightLog: readonly WeightEntry[];
  readonly events: readonly ReleaseEvent[];
  readonly notes: readonly Mark[];
  readonly canaryRelease: string;
  readonly stableRelease: string;
  readonly decision?: Mark;
  readonly stepSeconds?: number;
}

export function renderTimeline({
  since,
  until,
  perSecond,
  weightLog,
  events,
  notes,
  canaryRelease,
  stableRelease,
  decision,
  stepSeconds = 5
}: TimelineInput): string {
  const lines = ['   time   weight   stable/s  canary/s  failed   events'];
  const weightAt = (t: number): number | null => {
    let w: number | null = null;
    for (const e of weightLog) {
      if (Date.parse(e.at) > t) break;
      w = e.canaryRelease === canaryRelease ? e.canaryWeight : null;
    }
    return w;
  };
  const marks = [
    ...events
      .filter((e) => e.release === canaryRelease || e.release === stableRelease)
      .map((e) => ({
        at: Date.parse(e.at),
        text: `${e.op} ${e.release}${e.weight !== null && e.release === canaryRelease ? ` w=${e.weight}` : ''}${e.version ? ` v${e.version}` : ''}${e.error ? ` (${e.error.split('\n')[0]})` : ''}`
      })),
    ...notes,
    ...(decision ? [decision] : [])
  ].sort((a, b) => a.at - b.at);
  for (let t = since; t < until; t += stepSeconds * 1000) {
    const end = Math.min(t + stepSeconds * 1000, until);
    const window = perSecond.filter((b) => b.at * 1000 >= t && b.at * 1000 < end);
    const secs = Math.max(1, (end - t) / 1000);
    const sum = (k: 'stable' | 'canary' | 'failed'): number => window.reduce((n, b) => n + b[k], 0);
    const here = marks.filter((m) => m.at >= t && m.at < end).map((m) => m.text);
    const w = weightAt(end);
    lines.push(
      `  ${pad(`+${Math.round((t - since) / 1000)}s`, 5)}  ${pad(w === null ? '-' : `${w}%`, 6)}  ${pad((sum('stable') / secs).toFixed(1), 8)}  ${pad((sum('canary') / secs).toFixed(1), 8)}  ${pad(sum('failed'), 6)}   ${here.join('; ')}`
    );
  }
  return lines.join('\n');
}
