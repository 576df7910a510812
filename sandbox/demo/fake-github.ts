// A tiny local stand-in for the GitHub REST API's check-run endpoints (GitHub itself cannot run here),
// recording every request, so a scenario can assert the check run the action created and the
// conclusion it completed it with.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonBody, sendJson } from '../lib/http-json.js';

export interface RecordedRequest {
  readonly at: string;
  readonly method: string | undefined;
  readonly path: string;
  readonly body: { conclusion?: string } & Record<string, unknown>;
}

export interface CheckRun extends Record<string, unknown> {
  readonly id: number;
  conclusion: string | null;
  status: string;
}

export interface FakeGitHub {
  readonly url: string;
  requests(): RecordedRequest[];
  checkRuns(): CheckRun[];
  close(): Promise<void>;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const runs = new Map<number, CheckRun>();
  let nextId = 1000;
  let base = '';
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://github.local');
    let body: RecordedRequest['body'];
    try {
      body = (req.method === 'GET' ? {} : await readJsonBody(req)) as RecordedRequest['body'];
    } catch (error) {
      return sendJson(res, 400, { message: (error as Error).message });
    }
    requests.push({ at: new Date().toISOString(), method: req.method, path: url.pathname, body });
    const create = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(url.pathname);
    const update = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(url.pathname);
    if (req.method === 'POST' && create) {
      const id = nextId++;
      const run: CheckRun = {
        id,
        html_url: `${base}/${create[1]}/${create[2]}/runs/${id}`,
        url: `${base}/repos/${create[1]}/${create[2]}/check-runs/${id}`,
        status: 'queued',
        conclusion: null,
        ...body
      };
      runs.set(id, run);
      return sendJson(res, 201, run);
    }
    if ((req.method === 'PATCH' || req.method === 'GET') && update) {
      const run = runs.get(Number(update[3]));
      if (!run) return sendJson(res, 404, { message: 'Not Found' });
      Object.assign(run, body);
      return sendJson(res, 200, run);
    }
    return sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests: () => requests.slice(),
    checkRuns: () => [...runs.values()],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      })
  };
}
