// The one formatter for numbers, percentages, durations and times: config messages, engine
// reasons, the judge's sentences, titles, tables and alerts all print a value the same way.

export type ValueUnit = 'fraction' | 'ms' | 'count';

/** Durations as people write them: `500ms`, `45s`, `2m10s`, `12m`, `1h05m`, `2h`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0s';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${m}m`;
  return `${s}s`;
}

/** Counts with thousands separators: 12345 -> `12,345`; `–` when there is no count. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A fraction as a percentage: 0.193 -> `19%`, 0.041 -> `4.1%`, 0.0044 -> `0.44%`, 0.00012 -> `0.012%`. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return 'n/a';
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  const abs = Math.abs(pct);
  // Whole percents from 10% on; two significant digits below, so 0.012% does not read as 0.0%.
  const digits = abs >= 10 ? 0 : abs >= 1 ? 1 : abs >= 0.1 ? 2 : 3;
  return `${trimZeros(pct.toFixed(digits))}%`;
}

/** Milliseconds, always in ms so a value and its limit read alike: `8.5 ms`, `87 ms`, `4720 ms`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (Math.abs(ms) >= 10) return `${Math.round(ms)} ms`;
  return `${trimZeros(ms.toFixed(1))} ms`;
}

/** A metric value in its unit; `no data` for null. */
export function formatValue(value: number | null | undefined, unit: ValueUnit): string {
  if (value === null || value === undefined) return 'no data';
  switch (unit) {
    case 'fraction':
      return formatPercent(value);
    case 'ms':
      return formatMs(value);
    case 'count':
      return formatCount(value);
  }
}

/** Relative change of canary against stable: `+925%`, `-3.2%`, `±0%`; `–` when undefined. */
export function formatChange(canary: number | null, stable: number | null): string {
  if (canary === null || stable === null) return '–';
  if (stable === 0) return canary === 0 ? '±0%' : 'new';
  const rel = (canary - stable) / Math.abs(stable);
  if (Math.abs(rel) < 0.0005) return '±0%';
  const pct = rel * 100;
  const text = Math.abs(pct) >= 100 ? Math.round(pct).toString() : trimZeros(pct.toFixed(1));
  return `${pct > 0 ? '+' : ''}${text}%`;
}

/** E-values span many orders of magnitude: `0.84`, `4.1`, `32`, `6374`, `3.1e+6`. */
export function formatEValue(e: number): string {
  if (!Number.isFinite(e)) return e > 0 ? '∞' : 'n/a';
  if (e >= 1e5) return e.toExponential(1);
  if (e >= 10) return Math.round(e).toString();
  return trimZeros(e.toFixed(2));
}

/** A ratio of two rates: `1.25`, `12`; `∞` when the divisor was zero. */
export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  return x >= 10 ? x.toFixed(0) : x.toFixed(2);
}

/** ISO time shortened for logs and reasons: `12:04:30` (UTC). */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(11, 19);
}

/** Seconds between two ISO times, or undefined when either is missing or invalid. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.max(0, (b - a) / 1000);
}

/** GitHub wants `YYYY-MM-DDTHH:MM:SSZ`; drop milliseconds. */
export function isoSeconds(input: string | number | Date): string {
  return new Date(input).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
