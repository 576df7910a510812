// A Kayenta-style judge: canary and stable are compared on 1-minute points with Kayenta's
// Mann-Whitney classifier (98% confidence, tolerance 0.25: "High" when the interval's lower end
// exceeds 0.25 x |Hodges-Lehmann estimate|), judged every 10 minutes over all points so far. Two
// metrics, error rate and p95 latency; one High gives a score of 50, under the marginal 75: rollback.
import { histogramQuantile } from '../../src/judge/quantile.js';
import { inScrapeGap, type Scenario } from '../scenario.js';
import { histogramOver, sumOver, type Streams } from '../streams.js';
import { mannWhitneyShift } from './mann-whitney.js';

export const KAYENTA_CONFIDENCE = 0.98;
export const KAYENTA_TOLERANCE = 0.25;
export const KAYENTA_POINT_SECONDS = 60;
export const KAYENTA_JUDGE_EVERY_SECONDS = 600;
export const KAYENTA_MARGINAL_SCORE = 75;

export function classifyHigh(canary: number[], stable: number[]): boolean {
  if (canary.length === 0 || stable.length === 0) return false;
  // Kayenta passes a metric whose canary and baseline data are identical.
  const a = [...canary].sort((x, y) => x - y);
  const b = [...stable].sort((x, y) => x - y);
  if (a.length === b.length && a.every((v, i) => v === b[i])) return false;
  const shift = mannWhitneyShift(canary, stable, KAYENTA_CONFIDENCE);
  if (!shift) return false;
  return shift.lower > KAYENTA_TOLERANCE * Math.abs(shift.estimate);
}

interface Points {
  canary: number[];
  stable: number[];
}

function pointsUpTo(st: Streams, s: Scenario, end: number): { errors: Points; latency: Points } {
  const errors: Points = { canary: [], stable: [] };
  const latency: Points = { canary: [], stable: [] };
  for (let from = 0; from + KAYENTA_POINT_SECONDS <= end; from += KAYENTA_POINT_SECONDS) {
    const to = from + KAYENTA_POINT_SECONDS;
    if (inScrapeGap(s, to - 1)) continue; // a missing point is dropped (Kayenta's NaN strategy "remove")
    const nc = sumOver(st.nCanary, from, to);
    const ns = sumOver(st.nStable, from, to);
    if (nc > 0 && ns > 0) {
      errors.canary.push(sumOver(st.eCanary, from, to) / nc);
      errors.stable.push(sumOver(st.eStable, from, to) / ns);
      const pc = histogramQuantile(0.95, histogramOver(st.hCanary, from, to));
      const ps = histogramQuantile(0.95, histogramOver(st.hStable, from, to));
      if (pc !== null && ps !== null) {
        latency.canary.push(pc);
        latency.stable.push(ps);
      }
    }
  }
  return { errors, latency };
}

export function kayentaDetect(st: Streams, s: Scenario): number | null {
  for (let at = KAYENTA_JUDGE_EVERY_SECONDS; at <= s.horizonSeconds; at += KAYENTA_JUDGE_EVERY_SECONDS) {
    const { errors, latency } = pointsUpTo(st, s, at);
    const high = [classifyHigh(errors.canary, errors.stable), classifyHigh(latency.canary, latency.stable)];
    const score = (100 * high.filter((h) => !h).length) / high.length;
    if (score < KAYENTA_MARGINAL_SCORE) return at;
  }
  return null;
}
