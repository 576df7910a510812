// Seeded randomness for the benchmark and the judge's tests: a small fast PRNG plus Poisson,
// binomial and multinomial draws. Exact inversion for the small counts a per-second stream has,
// a normal approximation only for large means (where it is accurate to well under a percent).

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, reproducible across platforms. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() || 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result / 4294967296;
  }

  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 200) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    // Inversion: walk the CDF from 0.
    let k = 0;
    let p = Math.exp(-mean);
    let u = this.next();
    while (u > p) {
      u -= p;
      k++;
      p *= mean / k;
      if (p === 0) break;
    }
    return k;
  }

  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p > 200) {
      const x = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal());
      return Math.min(n, Math.max(0, x));
    }
    // Inversion with the recurrence P(k+1) = P(k) * (n-k)/(k+1) * p/q.
    const q = 1 - p;
    const s = p / q;
    let k = 0;
    let prob = Math.pow(q, n);
    let u = this.next();
    while (u > prob && k < n) {
      u -= prob;
      prob *= ((n - k) / (k + 1)) * s;
      k++;
      if (prob === 0) break;
    }
    return k;
  }

  /** Split n draws over categories with probabilities `probs` (summing to 1), into `out` at `offset`. */
  multinomial(n: number, probs: ArrayLike<number>, out: Int32Array, offset: number): void {
    let remaining = n;
    let mass = 1;
    const last = probs.length - 1;
    for (let i = 0; i < last; i++) {
      if (remaining === 0) {
        out[offset + i] = 0;
        continue;
      }
      const k = mass > 0 ? this.binomial(remaining, Math.min(1, probs[i] / mass)) : 0;
      out[offset + i] = k;
      remaining -= k;
      mass -= probs[i];
    }
    out[offset + last] = remaining;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A seed per (scenario seed, run index), so results do not depend on how runs are split over workers. */
export function runSeed(seed: number, run: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(run + 1, 0x85ebca77)) >>> 0;
}
