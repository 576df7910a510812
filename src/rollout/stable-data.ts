// No data is never health: a step may not pass while stable has no data for a metric that compares
// the arms. This watch remembers, per metric, since when stable has had none (no series, or no
// events while the canary had some). At weight 100 stable legitimately gets no traffic, so the last
// step is judged on what the earlier steps saw (a ladder of only 100 is refused in config/).
import type { ArmObservation, TickObservation } from '../metrics/types.js';

export interface StableGap {
  metric: string;
  /** ISO time of the first tick of the current run of ticks without stable data. */
  since: string;
}

/** A gap of fewer ticks is scrape jitter or a quiet moment, not missing data. */
export const MIN_GAP_TICKS = 3;

export class StableDataWatch {
  private readonly gaps = new Map<string, { since: string; ticks: number }>();

  observe(tick: TickObservation): void {
    if (tick.unavailable) return; // Prometheus did not answer: counted as an outage, not as a gap
    for (const [metric, pair] of Object.entries(tick.metrics)) {
      const stableHas = events(pair.stable) > 0;
      const canaryHas = events(pair.canary) > 0;
      if (stableHas || (!canaryHas && pair.stable !== null)) this.gaps.delete(metric);
      else {
        const gap = this.gaps.get(metric) ?? { since: tick.at, ticks: 0 };
        gap.ticks++;
        this.gaps.set(metric, gap);
      }
    }
  }

  /** Metrics for which stable has had no data for the last MIN_GAP_TICKS ticks or more. */
  current(): StableGap[] {
    return [...this.gaps]
      .filter(([, gap]) => gap.ticks >= MIN_GAP_TICKS)
      .map(([metric, gap]) => ({ metric, since: gap.since }));
  }
}

function events(observation: ArmObservation | null): number {
  if (!observation) return 0;
  switch (observation.kind) {
    case 'errors':
      return observation.total;
    case 'latency':
      return observation.histogram.count;
    case 'ratio':
      return observation.denominator;
  }
}
