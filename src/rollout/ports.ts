// What the engine needs from the world, gathered in one place so main.ts and the tests wire it the same way.
import type { Clock } from '../clock.js';
import type { AnalysisSpec, RolloutSpec } from '../config/spec.js';
import type { PreflightResult } from '../preflight/types.js';
import type { Deployer } from '../deploy/types.js';
import type { Baseline, Judge } from '../judge/types.js';
import type { ArmObservation, ArmPair } from '../metrics/types.js';
import type { Reporter } from '../report/types.js';
import type { TrafficRouter } from '../routing/types.js';
import type { RolloutRecord } from './record.js';
import type { MarksStore } from './marks-store.js';

/** Counter deltas since the previous successful sample, per arm. */
export interface Sample {
  requests: ArmPair<number>;
  metrics: Record<string, ArmPair<ArmObservation>>;
}

/** Reads the metrics of both arms; implemented by metrics/sampler.ts over a MetricsProvider. */
export interface Sampler {
  /** Reads every counter once before the canary exists; later samples are deltas from here. */
  baseline(): Promise<Baseline>;
  /** Deltas since the previous successful sample. Throws MetricsUnavailableError when it cannot. */
  sample(): Promise<Sample>;
  /** The same sampler for fewer metrics (the preflight drops default metrics that cannot have data). */
  forAnalysis?(analysis: AnalysisSpec): Sampler;
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export interface EngineDeps {
  deployer: Deployer;
  /** Moves the canary's share of traffic; the engine does not know which preset it is. */
  router: TrafficRouter;
  /** The ownership marks on their own object beside the canary (a Lease): the lock and its holder. */
  marks: MarksStore;
  sampler: Sampler;
  judge: Judge;
  clock: Clock;
  reporter: Reporter;
  log: Logger;
  /** Aborts on SIGINT/SIGTERM: the engine stops sampling and hands the canary to the post step. */
  signal?: AbortSignal;
  /** The preflight (src/preflight) for a spec: reads only. main wires it; a deploy runs it first. */
  preflight?: (spec: RolloutSpec) => Promise<PreflightResult>;
  /** Called at every phase change and step (main saves state and writes the report file). */
  persist?: (record: RolloutRecord) => void;
}
