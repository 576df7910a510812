// The built-in scenarios `npm run bench` runs (defaults: 50 rps, 20% canary, 0.5% errors, 30 min).
// A/A classes (the canary no worse than stable) run 2000 times, so that a false-rollback rate near
// alpha = 0.05 is known to about +-1 percentage point (95% Wilson interval, printed).
import type { ScenarioInput } from './scenario.js';

const AA_RUNS = 2000;

export const BUILT_IN_SCENARIOS: ScenarioInput[] = [
  { name: 'A/A', runs: AA_RUNS },
  { name: 'canary better (A/A): 0.25% vs 0.5%', errors: { canary: 0.0025 }, runs: AA_RUNS },
  { name: 'R = 500 rps, A/A', rps: 500, runs: AA_RUNS },
  { name: 'R = 1 rps, A/A', rps: 1, runs: AA_RUNS },
  {
    name: 'counter reset + scrape gaps (A/A), alpha 0.01',
    alpha: 0.01,
    runs: AA_RUNS,
    counterResetAtSecond: 605,
    scrapeGapSeconds: [
      [300, 330],
      [1000, 1060]
    ]
  },
  {
    name: 'incident: both arms 3% for 5 min',
    runs: AA_RUNS,
    drift: { atSecond: 600, durationSeconds: 300, errorRate: 0.03 }
  },
  { name: 'canary 1% errors', errors: { canary: 0.01 } },
  { name: 'canary 2% errors', errors: { canary: 0.02 } },
  { name: 'canary 5% errors', errors: { canary: 0.05 } },
  { name: 'zero baseline: stable 0%, canary 1%', errors: { stable: 0, canary: 0.01 } },
  { name: '1% share, canary 10x (5% vs 0.5%)', canaryWeight: 0.01, errors: { canary: 0.05 } },
  {
    name: 'ladder 5/25/50/100, canary 2%',
    weights: [
      { atSecond: 0, weight: 0.05 },
      { atSecond: 300, weight: 0.25 },
      { atSecond: 600, weight: 0.5 },
      { atSecond: 900, weight: 1 }
    ],
    errors: { canary: 0.02 }
  },
  { name: 'R = 1 rps, canary 5% errors', rps: 1, errors: { canary: 0.05 } },
  { name: 'latency x1.1', latency: { canaryMedianFactor: 1.1 } },
  { name: 'latency x1.25', latency: { canaryMedianFactor: 1.25 } },
  { name: '2% of canary +1 s', latency: { canarySlowFraction: 0.02, canarySlowExtraMs: 1000 } }
];
