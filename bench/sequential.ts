// Our judge in the benchmark: the real SequentialJudge, fed through the same TickObservation shape
// the action builds, one tick every 10 s. Scrape gaps become `unavailable` ticks followed by a tick
// with the accumulated deltas; a canary counter reset delivers only the post-reset counts.
import type { AnalysisSpec } from '../src/config/spec.js';
import { SequentialJudge } from '../src/judge/index.js';
import type { HistogramCounts, TickObservation } from '../src/metrics/types.js';
import { inScrapeGap, scenarioPlan, type Scenario } from './scenario.js';
import { histogramOver, sumOver, type Streams } from './streams.js';

export const TICK_SECONDS = 10;

/** The action's defaults: 5xx rate (guard 5%), p95 latency (guard 1000 ms), minimum 50 canary requests. */
export function benchAnalysis(alpha: number): AnalysisSpec {
  return {
    requests: 'http_requests_total',
    metrics: [
      { kind: 'errors', name: 'error-rate', title: '5xx rate', bad: '5xx', total: 'requests', max: 0.05 },
      {
        kind: 'latency',
        name: 'latency-p95',
        title: 'p95 latency',
        buckets: 'buckets',
        quantile: 0.95,
        maxMs: 1000
      }
    ],
    alpha,
    minCanaryRequests: 50,
    maxExtraSoakSeconds: 0,
    noData: 'fail',
    maxMetricFailures: 5
  };
}

function tickAt(
  st: Streams,
  s: Scenario,
  from: number,
  to: number,
  step: { index: number; weight: number; start: number }
): TickObservation {
  // A canary pod restart inside the tick resets its counters: the sampler sees only what came after.
  const reset = s.counterResetAtSecond;
  const canaryFrom = reset !== null && reset >= from && reset < to ? reset : from;
  const nc = sumOver(st.nCanary, canaryFrom, to);
  const ns = sumOver(st.nStable, from, to);
  const hc: HistogramCounts = histogramOver(st.hCanary, canaryFrom, to);
  const hs: HistogramCounts = histogramOver(st.hStable, from, to);
  return {
    at: new Date(to * 1000).toISOString(),
    elapsedSeconds: to,
    stepIndex: step.index,
    weight: step.weight * 100,
    stepElapsedSeconds: to - step.start,
    requests: { canary: nc, stable: ns },
    metrics: {
      'error-rate': {
        canary: { kind: 'errors', bad: sumOver(st.eCanary, canaryFrom, to), total: nc },
        stable: { kind: 'errors', bad: sumOver(st.eStable, from, to), total: ns }
      },
      'latency-p95': {
        canary: { kind: 'latency', histogram: hc },
        stable: { kind: 'latency', histogram: hs }
      }
    }
  };
}

/**
 * Second of the rollback, or null when the canary is promoted (or survives the horizon). `baseline`
 * and `baselineErrors` are stable's cumulative counters before the canary, as the sampler reads them.
 */
export function sequentialDetect(
  st: Streams,
  s: Scenario,
  baseline: HistogramCounts,
  baselineErrors: { bad: number; total: number }
): number | null {
  const judge = new SequentialJudge();
  judge.begin(
    benchAnalysis(s.alpha),
    {
      stable: {
        'latency-p95': { kind: 'latency', histogram: baseline },
        'error-rate': { kind: 'errors', ...baselineErrors }
      }
    },
    scenarioPlan(s)
  );
  let stepIndex = -1;
  let lastDelivered = 0;
  for (let at = TICK_SECONDS; at <= s.horizonSeconds; at += TICK_SECONDS) {
    // The tick [at-10, at) belongs to the ladder step in force at its start.
    let index = 0;
    for (let i = 0; i < s.weights.length; i++) if (s.weights[i].atSecond <= at - TICK_SECONDS) index = i;
    const step = { index, weight: s.weights[index].weight, start: s.weights[index].atSecond };
    if (index !== stepIndex) {
      stepIndex = index;
      const end = index + 1 < s.weights.length ? s.weights[index + 1].atSecond : s.horizonSeconds;
      judge.startStep({
        index,
        weight: step.weight * 100,
        soakSeconds: end - step.start,
        maxSoakSeconds: end - step.start
      });
    }
    let tick: TickObservation;
    if (inScrapeGap(s, at)) {
      tick = {
        at: new Date(at * 1000).toISOString(),
        elapsedSeconds: at,
        stepIndex: index,
        weight: step.weight * 100,
        stepElapsedSeconds: at - step.start,
        requests: { canary: null, stable: null },
        metrics: {},
        unavailable: 'Prometheus did not answer (simulated scrape gap)'
      };
    } else {
      tick = tickAt(st, s, lastDelivered, at, step);
      lastDelivered = at;
    }
    const verdict = judge.evaluate(tick);
    if (verdict.action === 'rollback') return at;
    if (verdict.action === 'pass' && index === s.weights.length - 1) return null;
  }
  return null;
}
