// Deterministic weighted choice: over any run of N decisions the canary gets floor(N*w/total) or
// one more, so the traffic split follows the rendered weight exactly instead of drifting randomly.
export function createWeightedChooser(weight, total = 100) {
  const w = Math.max(0, Math.min(total, weight));
  let n = 0;
  return {
    weight: w,
    total,
    /** True when this request goes to the canary. */
    next() {
      const before = Math.floor((n * w) / total);
      n += 1;
      return Math.floor((n * w) / total) > before;
    }
  };
}
