// A recording Checks API client for unit tests: answers create/update from a script of results.
import type { ChecksClient, CheckRunContext } from '../../src/report/check-run.js';

export interface RecordedCall {
  op: 'create' | 'update';
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

export function fakeChecks(script: { create?: Result[]; update?: Result[] } = {}) {
  const calls: RecordedCall[] = [];
  const queues = { create: [...(script.create ?? [])], update: [...(script.update ?? [])] };
  const answer = async (op: 'create' | 'update', params: Record<string, unknown>) => {
    const { owner: _o, repo: _r, check_run_id: _id, request: _req, ...body } = params;
    calls.push({ op, params, body });
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
        update: (params) => answer('update', params as unknown as Record<string, unknown>)
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
