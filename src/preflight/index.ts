// The preflight: what is checked before anything changes (see run.ts).
export { runPreflight, preflightReason } from './run.js';
export { preflightTable } from './table.js';
export * from './types.js';
