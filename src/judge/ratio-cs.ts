// Confidence sequence for a business ratio (e.g. conversion = checkouts / sessions), canary over
// stable. Lower is worse. Built from the normal-mixture boundary on the log rate ratio: with
// estimate x = log(rate_canary / rate_stable) and variance s^2, the set of ratios rho with
// |x - log rho| < sqrt(s^2 (s^2+tau^2)/tau^2 * (2 ln(1/alpha) + ln((s^2+tau^2)/s^2)))
// covers the true ratio at all times with probability about 1 - alpha (asymptotically).
// Counts get a +0.5 correction so that a canary with zero conversions still has a finite bound.

export interface RatioBounds {
  /** canary rate / stable rate; null until both arms have a denominator. */
  estimate: number | null;
  lower: number;
  upper: number;
}

/**
 * Mixture scale on the log ratio: the sequence is tightest for drops around this size. Drops of a
 * quarter or more (a broken payment step, a dead button) are what a canary must catch within
 * minutes at storefront traffic; a scale as small as a 10% margin made the sequence so wide at a
 * few hundred sessions that a 55% drop was promoted in the sandbox. Small drops still get caught,
 * with more data.
 */
export function ratioTau(margin: number): number {
  return Math.max(0.3, 2 * margin);
}

export function ratioConfidenceSequence(
  numCanary: number,
  denCanary: number,
  numStable: number,
  denStable: number,
  alpha: number,
  tau: number
): RatioBounds {
  if (denCanary <= 0 || denStable <= 0) return { estimate: null, lower: 0, upper: Infinity };
  const a = numCanary + 0.5;
  const b = numStable + 0.5;
  const logRatio = Math.log(a / denCanary) - Math.log(b / denStable);
  // Poisson variance of a log count: conservative for binomial conversions, right for rates.
  const s2 = 1 / a + 1 / b;
  const t2 = tau * tau;
  const radius = Math.sqrt(((s2 * (s2 + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((s2 + t2) / s2)));
  return {
    estimate: numStable > 0 ? numCanary / denCanary / (numStable / denStable) : null,
    lower: Math.exp(logRatio - radius),
    upper: Math.exp(logRatio + radius)
  };
}

export type RatioCall = 'regressed' | 'cleared' | 'undecided';

/** Roll back when the whole sequence is below 1 - margin; pass when it is all above. */
export function classifyRatio(bounds: RatioBounds, margin: number): RatioCall {
  if (bounds.upper < 1 - margin) return 'regressed';
  if (bounds.lower > 1 - margin) return 'cleared';
  return 'undecided';
}

/** Honest about low traffic: the sequence cannot yet tell a drop of twice the margin from none. */
export function isStillWide(bounds: RatioBounds, margin: number): boolean {
  return bounds.upper - bounds.lower > Math.max(4 * margin, 0.2);
}
