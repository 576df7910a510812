// The built-in scenarios `npm run bench` runs (defaults: 50 rps, 20% canary, 0.5% errors, 30 min).
import type { ScenarioInput } from './scenario.js';

export const BUILT_IN_SCENARIOS: ScenarioInput[] = [
  { name: 'A/A', runs: 2000 },
  { name: 'canary 1% errors', errors: { canary: 0.01 } },
  { name: 'canary 2% errors', errors: { canary: 0.02 } },
  { name: 'canary 5% errors', errors: { canary: 0.05 } },
  { name: 'latency x1.1', latency: { canaryMedianFactor: 1.1 } },
  { name: 'latency x1.25', latency: { canaryMedianFactor: 1.25 } },
  { name: '2% of canary +1 s', latency: { canarySlowFraction: 0.02, canarySlowExtraMs: 1000 } },
  {
    name: 'incident: both arms 3% for 5 min',
    drift: { atSecond: 600, durationSeconds: 300, errorRate: 0.03 }
  },
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
  { name: 'R = 1 rps, A/A', rps: 1 },
  {
    name: 'counter reset + scrape gaps (A/A)',
    counterResetAtSecond: 605,
    scrapeGapSeconds: [
      [300, 330],
      [1000, 1060]
    ]
  }
];
