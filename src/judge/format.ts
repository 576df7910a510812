// Number formatting for the evidence sentences: short, human, and stable across locales.

export function formatPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return 'n/a';
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (Math.abs(pct) >= 10) return `${pct.toFixed(0)}%`;
  if (Math.abs(pct) >= 0.1) return `${pct.toFixed(1).replace(/\.0$/, '')}%`;
  return `${pct.toPrecision(1)}%`;
}

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'n/a';
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export { formatCount } from '../format.js';

/** E-values span many orders of magnitude: 0.42, 3.1, 31, 4200, 3.2e+7. */
export function formatEValue(e: number): string {
  if (!Number.isFinite(e)) return e > 0 ? '∞' : '0';
  if (e < 10) return e.toFixed(e < 1 ? 2 : 1);
  if (e < 1e5) return Math.round(e).toString();
  return e.toExponential(1);
}

export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  return x >= 10 ? x.toFixed(0) : x.toFixed(2);
}
