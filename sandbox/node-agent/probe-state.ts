// The kubelet's probe bookkeeping, without timers or I/O: a probe's result flips only after
// successThreshold successes or failureThreshold failures in a row.
import type { V1Probe } from '@kubernetes/client-node';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The probe's timing with the API's defaults filled in (10 s period, 1 s timeout, thresholds 1 and 3). */
export function probeTiming(probe: V1Probe): ProbeTiming {
  const positive = (value: number | undefined, fallback: number) =>
    value !== undefined && value > 0 ? value : fallback;
  return {
    initialDelayMs: Math.max(0, probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: positive(probe.periodSeconds, 10) * 1000,
    timeoutMs: positive(probe.timeoutSeconds, 1) * 1000,
    successThreshold: positive(probe.successThreshold, 1),
    failureThreshold: positive(probe.failureThreshold, 3)
  };
}

/** What a container is taken to be before its first probe result: readiness starts failed, liveness passed. */
export function initialProbeResult(kind: ProbeKind): boolean {
  return kind === 'liveness';
}

export class ProbeTracker {
  private passing: boolean;
  private successesInARow = 0;
  private failuresInARow = 0;

  constructor(
    readonly kind: ProbeKind,
    private readonly thresholds: Pick<ProbeTiming, 'successThreshold' | 'failureThreshold'>
  ) {
    this.passing = initialProbeResult(kind);
  }

  get result(): boolean {
    return this.passing;
  }

  /** Records one probe outcome; returns true when the probe's result changed. */
  record(succeeded: boolean): boolean {
    if (succeeded) {
      this.successesInARow++;
      this.failuresInARow = 0;
    } else {
      this.failuresInARow++;
      this.successesInARow = 0;
    }
    const before = this.passing;
    if (!this.passing && this.successesInARow >= this.thresholds.successThreshold) this.passing = true;
    if (this.passing && this.failuresInARow >= this.thresholds.failureThreshold) this.passing = false;
    return before !== this.passing;
  }

  /** Back to the state before the first probe, as for a restarted container. */
  reset(): void {
    this.passing = initialProbeResult(this.kind);
    this.successesInARow = 0;
    this.failuresInARow = 0;
  }
}
