// The demo's preflight scenario (issue 12):
//   misconfigured  the error metric filters on a status-code label (`status`) that the storefront's
//                  series do not carry (theirs is `code`). The preflight finds it before anything
//                  changes: decision `failed`, the named error `status-label-missing`, and not one write
//                  request by the action in the API server's audit log.
import { readRelease } from './cluster-reads.js';
import { countActionWrites } from './audit-writes.js';
import { ACTION_USER } from '../control-plane/cluster.js';
import type { Scenario } from './types.js';

const misconfigured: Scenario = {
  title:
    'an error metric on a status-code label the series do not have: the preflight stops the run, nothing is written',
  version: '2.0.0',
  expected: ['failed'],
  set: [],
  // A configured metric (the `names:` it is built from were changed): an error, not a dropped default.
  inputs: { analysis: 'names:\n  status-code-label: status\n' },
  evidence: /status-label-missing/,
  async fields(ctx, result) {
    const reason = result.outputs.reason ?? '';
    const namedError = /\[(status-label-missing)\]/.exec(reason)?.[1] ?? null;
    if (!namedError) ctx.fail(`the reason names no status-label-missing error: ${reason}`);
    const canary = await readRelease(ctx, ctx.canaryRelease);
    if (canary.exists) ctx.fail('the canary release was installed');
    const auditLog = ctx.client.info.auditLog;
    const writes = countActionWrites(auditLog, ACTION_USER, result.startedAt, result.endedAt);
    if (writes.writes !== 0) ctx.fail(`the action wrote to the cluster: ${writes.requests.join(', ')}`);
    return { namedError, canaryInstalled: canary.exists };
  }
};

export const PREFLIGHT_SCENARIOS: Record<string, Scenario> = { misconfigured };
