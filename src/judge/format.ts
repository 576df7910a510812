// The judge's sentences print values with the one shared formatter (src/format.ts), so a title and
// a reason never show the same value two ways.
export { formatCount, formatEValue, formatMs, formatPercent, formatRatio } from '../format.js';
