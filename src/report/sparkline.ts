// Unicode sparklines of a metric per arm across the ticks. Pure.
import type { RolloutRecord } from '../rollout/record.js';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Shown where a tick had no value for the arm. */
export const GAP = '·';
/** Long rollouts are averaged into at most this many cells so a line stays readable. */
export const MAX_SPARK_WIDTH = 48;

/**
 * One bar per value, scaled to [min, max]. Pass the same bounds for two series that are to be
 * compared (canary and stable), so their bars mean the same thing.
 */
export function sparkline(values: Array<number | null>, bounds?: { min: number; max: number }): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return values.map(() => GAP).join('');
  const min = bounds?.min ?? Math.min(...present);
  const max = bounds?.max ?? Math.max(...present);
  const span = max - min;
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return GAP;
      if (span <= 0) return max === 0 ? BARS[0] : BARS[3];
      const i = Math.round(((v - min) / span) * (BARS.length - 1));
      return BARS[Math.min(BARS.length - 1, Math.max(0, i))];
    })
    .join('');
}

/** Averages consecutive values into at most `width` cells (nulls ignored; all-null cells stay null). */
export function downsample(values: Array<number | null>, width = MAX_SPARK_WIDTH): Array<number | null> {
  if (values.length <= width) return values;
  const out: Array<number | null> = [];
  for (let cell = 0; cell < width; cell++) {
    const from = Math.floor((cell * values.length) / width);
    const to = Math.floor(((cell + 1) * values.length) / width);
    let sum = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    out.push(n === 0 ? null : sum / n);
  }
  return out;
}

export interface ArmSparklines {
  metric: string;
  title: string;
  canary: string;
  stable: string;
}

/** Per metric (in the order of record.metrics), canary and stable sparklines on a shared scale. */
export function metricSparklines(record: RolloutRecord, width = MAX_SPARK_WIDTH): ArmSparklines[] {
  const names =
    record.metrics.length > 0 ? record.metrics : (record.ticks[record.ticks.length - 1]?.metrics ?? []);
  const rows: ArmSparklines[] = names.map((m) => {
    const canary = downsample(
      record.ticks.map((t) => t.metrics.find((x) => x.metric === m.metric)?.canary ?? null),
      width
    );
    const stable = downsample(
      record.ticks.map((t) => t.metrics.find((x) => x.metric === m.metric)?.stable ?? null),
      width
    );
    return { metric: m.metric, title: m.title, ...pair(canary, stable, true) };
  });
  const canaryReq = downsample(
    record.ticks.map((t) => t.canaryRequests),
    width
  );
  const stableReq = downsample(
    record.ticks.map((t) => t.stableRequests),
    width
  );
  // Traffic is scaled per arm: the split is in the tables, the shape (dips, crashes) is what matters here.
  rows.push({ metric: 'requests', title: 'Requests per tick', ...pair(canaryReq, stableReq, false) });
  return rows;
}

function pair(
  canary: Array<number | null>,
  stable: Array<number | null>,
  sharedScale: boolean
): { canary: string; stable: string } {
  if (!sharedScale)
    return { canary: sparkline(canary, zeroBased(canary)), stable: sparkline(stable, zeroBased(stable)) };
  // One scale for both arms from their lowest to highest value, so the arms compare bar for bar.
  const both = [...canary, ...stable].filter((v): v is number => v !== null && Number.isFinite(v));
  const bounds = both.length ? { min: Math.min(...both), max: Math.max(...both) } : undefined;
  return { canary: sparkline(canary, bounds), stable: sparkline(stable, bounds) };
}

function zeroBased(values: Array<number | null>): { min: number; max: number } | undefined {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length ? { min: Math.min(0, ...present), max: Math.max(...present) } : undefined;
}
