// A Flagger-style judge: every minute, the canary alone is checked against static thresholds
// (error rate over the last minute above 1%, or its p99 above 500 ms). A check whose query has no
// data (no canary requests, Prometheus unreachable) fails too, as in Flagger. The canary is rolled
// back once `threshold` checks have failed in total (cumulative, not consecutive).
import { histogramQuantile } from '../../src/judge/quantile.js';
import { inScrapeGap, type Scenario } from '../scenario.js';
import { histogramOver, sumOver, type Streams } from '../streams.js';

export const FLAGGER_INTERVAL_SECONDS = 60;
export const FLAGGER_MAX_ERROR_RATE = 0.01;
export const FLAGGER_MAX_P99_SECONDS = 0.5;

export function flaggerCheckFails(st: Streams, s: Scenario, at: number): boolean {
  if (inScrapeGap(s, at)) return true;
  const from = at - FLAGGER_INTERVAL_SECONDS;
  const requests = sumOver(st.nCanary, from, at);
  if (requests === 0) return true;
  if (sumOver(st.eCanary, from, at) / requests > FLAGGER_MAX_ERROR_RATE) return true;
  const p99 = histogramQuantile(0.99, histogramOver(st.hCanary, from, at));
  return p99 !== null && p99 > FLAGGER_MAX_P99_SECONDS;
}

/** Second of the rollback, or null when the canary survives the horizon. */
export function flaggerDetect(st: Streams, s: Scenario, threshold: number): number | null {
  let failed = 0;
  for (let at = FLAGGER_INTERVAL_SECONDS; at <= s.horizonSeconds; at += FLAGGER_INTERVAL_SECONDS) {
    if (flaggerCheckFails(st, s, at) && ++failed >= threshold) return at;
  }
  return null;
}
