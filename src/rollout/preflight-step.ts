// Runs the preflight at the start of a deploy, before anything changes, and turns what it found into
// the run's next move: stop with `failed` (named errors, through outcomes.ts), end a dry run (the
// preflight is all a dry run does), or go on with the metrics that can see stable.
import type { RolloutSpec } from '../config/spec.js';
import { preflightReason, preflightTable, type PreflightResult } from '../preflight/index.js';
import type { EngineDeps } from './ports.js';
import type { PreflightRecord, RolloutRecord } from './record.js';
import { addEvent, newRecord } from './record-builder.js';
import type { Ending } from './outcomes.js';
import { errorMessage } from '../error-message.js';

/** `stop`: the caller finishes `record` with `ending` through outcomes.ts (nothing was changed). */
export type PreflightOutcome =
  | { kind: 'stop'; record: RolloutRecord; ending: Ending }
  | {
      kind: 'go-on';
      spec: RolloutSpec;
      deps: EngineDeps;
      preflight?: PreflightRecord;
      result?: PreflightResult;
    };

export async function preflightStep(spec: RolloutSpec, deps: EngineDeps): Promise<PreflightOutcome> {
  if (!deps.preflight) {
    if (spec.dryRun)
      return end(spec, deps, undefined, {
        decision: 'none',
        reason: 'Dry run: nothing was checked or changed (no preflight is wired).',
        finalWeight: 0
      });
    return { kind: 'go-on', spec, deps };
  }
  let result: PreflightResult;
  try {
    result = await deps.preflight(spec);
  } catch (error) {
    return end(spec, deps, undefined, {
      decision: 'failed',
      reason: `The preflight could not run: ${errorMessage(error)}. Nothing was changed.`,
      finalWeight: 0,
      nothingDeployed: true
    });
  }
  const record: PreflightRecord = {
    ok: result.ok,
    lines: result.lines,
    droppedMetrics: result.droppedMetrics
  };
  deps.log.info(
    `Preflight (${result.ok ? 'passed' : `${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}`}):\n${preflightTable(result.lines)}`
  );
  for (const line of result.lines.filter((l) => l.status === 'warn'))
    deps.log.warning(`preflight ${line.check} ${line.subject}: ${line.detail}`);

  if (!result.ok) {
    return end(
      spec,
      deps,
      record,
      { decision: 'failed', reason: preflightReason(result), finalWeight: 0, nothingDeployed: true },
      result
    );
  }
  if (spec.dryRun) {
    return end(
      spec,
      deps,
      record,
      { decision: 'none', reason: 'Dry run: the preflight passed; nothing was changed.', finalWeight: 0 },
      result
    );
  }
  const narrowed = { ...spec, analysis: result.analysis };
  const sampler =
    result.droppedMetrics.length > 0
      ? (deps.sampler.forAnalysis?.(result.analysis) ?? deps.sampler)
      : deps.sampler;
  return { kind: 'go-on', spec: narrowed, deps: { ...deps, sampler }, preflight: record, result };
}

function end(
  spec: RolloutSpec,
  deps: EngineDeps,
  preflight: PreflightRecord | undefined,
  ending: Ending,
  result?: PreflightResult
): PreflightOutcome {
  const record = newRecord(spec, new Date(deps.clock.now()));
  if (preflight) record.preflight = preflight;
  if (result?.stable.version) record.previousVersion = result.stable.version;
  addEvent(
    record,
    new Date(deps.clock.now()),
    'preflight',
    preflight ? `Preflight ${preflight.ok ? 'passed' : 'failed'}` : 'Preflight not run'
  );
  return { kind: 'stop', record, ending };
}
