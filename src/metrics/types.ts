// MetricsProvider port and the per-tick observations built from it.

/** One series of an instant query: its labels and its raw counter value. */
export interface CounterSeries {
  labels: Record<string, string>;
  value: number;
}

export interface MetricsProvider {
  /**
   * Instant query of raw counter series (no rate()). Throws MetricsUnavailableError when it cannot answer.
   * `time` (unix seconds) evaluates every query of one sample at the same instant; default now.
   */
  query(promql: string, time?: number): Promise<CounterSeries[]>;
}

export class MetricsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsUnavailableError';
  }
}

/** Cumulative-by-bound histogram counts over one tick: `count` requests, `le` ascending, +Inf last. */
export interface HistogramCounts {
  buckets: Array<{ le: number; count: number }>;
  count: number;
}

/** What one arm contributed to one metric during one tick (deltas of counters). */
export type ArmObservation =
  | { kind: 'errors'; bad: number; total: number }
  | { kind: 'latency'; histogram: HistogramCounts }
  | { kind: 'ratio'; numerator: number; denominator: number };

export type Arm = 'canary' | 'stable';

/** Per-arm pair; null when the arm had no series at all (no data is never healthy). */
export interface ArmPair<T> {
  canary: T | null;
  stable: T | null;
}

/** One sample of everything, taken every `interval`. */
export interface TickObservation {
  /** ISO time of the sample. */
  at: string;
  /** Seconds since the canary was installed. */
  elapsedSeconds: number;
  /** Index into spec.steps, and the weight in force during the tick. */
  stepIndex: number;
  weight: number;
  /** Seconds soaked in the current step. */
  stepElapsedSeconds: number;
  /** Requests in this tick per arm; null arms had no series. */
  requests: ArmPair<number>;
  /** Per metric name. */
  metrics: Record<string, ArmPair<ArmObservation>>;
  /** Set when the sample could not be taken (Prometheus down); the tick then carries no data. */
  unavailable?: string;
}
