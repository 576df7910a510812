// A recording Checks API client for unit tests: answers create/update from a script of results.
import type { ChecksClient, CheckRunContext } from '../../src/report/check-run.js';

export interface RecordedCall {
  op: 'create' | 'update' | 'list';
  params: Record<string, unknown>;
  /** The JSON request body: params minus the URL parameters and request options. */
  body: Record<string, unknown>;
}

export function httpError(status: number, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { status, response: { headers } });
}

export function networkError(): Error {
  return Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
}

type Result = Error | { id: number; html_url?: string };

/**
 * `listCreated`: GitHub made every create it was sent, even those it answered with an error, and
 * listForRef finds them (by name and commit), as the real API does after a 500.
 */
export function fakeChecks(script: { create?: Result[]; update?: Result[]; listCreated?: boolean } = {}) {
  const calls: RecordedCall[] = [];
  const made: Array<{ id: number; external_id: unknown; name: unknown; head_sha: unknown }> = [];
  const queues = { create: [...(script.create ?? [])], update: [...(script.update ?? [])] };
  const answer = async (op: 'create' | 'update', params: Record<string, unknown>) => {
    const { owner: _o, repo: _r, check_run_id: _id, request: _req, ...body } = params;
    calls.push({ op, params, body });
    if (op === 'create')
      made.push({ id: 4242, external_id: body.external_id, name: body.name, head_sha: body.head_sha });
    const next = queues[op].shift();
    if (next instanceof Error) throw next;
    const id = next?.id ?? (op === 'update' ? (params.check_run_id as number) : 4242);
    return {
      data: { id, html_url: next?.html_url ?? `https://github.com/upcommerce/storefront/runs/${id}` }
    };
  };
  const client: ChecksClient = {
    rest: {
      checks: {
        create: (params) => answer('create', params as unknown as Record<string, unknown>),
        update: (params) => answer('update', params as unknown as Record<string, unknown>),
        ...(script.listCreated
          ? {
              listForRef: async (params) => {
                const { owner: _o, repo: _r, request: _req, ...body } = params;
                calls.push({ op: 'list', params: params as unknown as Record<string, unknown>, body });
                const check_runs = made
                  .filter((r) => r.name === params.check_name && r.head_sha === params.ref)
                  .map((r) => ({ id: r.id, external_id: r.external_id as string }));
                return { data: { check_runs } };
              }
            }
          : {})
      }
    }
  };
  return { client, calls };
}

export const PR_HEAD_SHA = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const MERGE_SHA = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

export function prContext(): CheckRunContext {
  return {
    repo: { owner: 'upcommerce', repo: 'storefront' },
    sha: MERGE_SHA,
    payload: { pull_request: { number: 7, head: { sha: PR_HEAD_SHA } } },
    serverUrl: 'https://github.com',
    runId: 1234
  };
}

export function pushContext(): CheckRunContext {
  return {
    repo: { owner: 'upcommerce', repo: 'storefront' },
    sha: MERGE_SHA,
    payload: {},
    serverUrl: 'https://github.com',
    runId: 1234
  };
}
