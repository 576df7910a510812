// Test records: the saved fixtures, and a generated long rollout.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricEvidence } from '../../src/judge/types.js';
import type { RolloutRecord, TickRecord } from '../../src/rollout/record.js';

export const FIXTURES = path.join(process.cwd(), '__tests__', 'fixtures', 'records');

export type FixtureName = 'healthy' | 'rolled-back' | 'failed' | 'cancelled' | 'paused';

export function fixture(name: FixtureName): RolloutRecord {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as RolloutRecord;
}

function evidence(metric: string, title: string, unit: MetricEvidence['unit'], i: number): MetricEvidence {
  const base = unit === 'ms' ? 180 : 0.004;
  return {
    metric,
    title,
    kind: unit === 'ms' ? 'latency' : 'errors',
    unit,
    canary: base * (1 + (i % 17) / 20),
    stable: base,
    canaryEvents: 100 * i,
    stableEvents: 900 * i,
    eValue: 1 + (i % 9) / 10,
    eThreshold: 60,
    status: 'ok',
    sentence: `${title} tick ${i}`
  };
}

/** A long rollout at one weight: `n` ticks, each with a distinctive `tick-<i>` warning marker. */
export function longRecord(n: number): RolloutRecord {
  const record = fixture('healthy');
  const t0 = Date.parse(record.startedAt);
  const ticks: TickRecord[] = [];
  for (let i = 1; i <= n; i++) {
    ticks.push({
      at: new Date(t0 + i * 10_000).toISOString(),
      elapsedSeconds: i * 10,
      stepIndex: 0,
      weight: 10,
      canaryRequests: 100 + (i % 7),
      stableRequests: 900 - (i % 7),
      action: 'continue',
      warning: `tick-${i} marker`,
      metrics: [
        evidence('error-rate', '5xx rate', 'fraction', i),
        evidence('latency-p95', 'p95 latency', 'ms', i),
        evidence('conversion', 'Conversion', 'fraction', i)
      ]
    });
  }
  record.ticks = ticks;
  record.metrics = ticks[ticks.length - 1].metrics;
  record.steps = [10];
  record.stepRecords = [
    {
      index: 0,
      weight: 10,
      startedAt: record.startedAt,
      soakedSeconds: n * 10,
      canaryRequests: 100 * n,
      stableRequests: 900 * n,
      outcome: 'running'
    }
  ];
  record.phase = 'soaking';
  delete record.decision;
  delete record.finishedAt;
  record.currentWeight = 10;
  record.finalWeight = 10;
  return record;
}
