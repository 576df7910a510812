// Run a slice of a scenario's runs and pack the outcomes into flat arrays (cheap to post between threads).
import type { Scenario } from './scenario.js';
import { JUDGES, simulateRun } from './simulate.js';
import { latencyModel } from './streams.js';

export interface ChunkRequest {
  scenario: Scenario;
  fromRun: number;
  toRun: number;
}

export interface ChunkResult {
  /** Per judge (in JUDGES order), per run: rollback second or NaN. */
  detect: number[][];
  excess: number[][];
}

export function runChunk(request: ChunkRequest): ChunkResult {
  const scenario = request.scenario;
  const model = latencyModel(scenario);
  const detect = JUDGES.map(() => [] as number[]);
  const excess = JUDGES.map(() => [] as number[]);
  for (let run = request.fromRun; run < request.toRun; run++) {
    const outcome = simulateRun(scenario, model, run);
    JUDGES.forEach((judge, j) => {
      detect[j].push(outcome.detect[judge] ?? NaN);
      excess[j].push(outcome.excess[judge]);
    });
  }
  return { detect, excess };
}
