// A tiny local stand-in for the GitHub REST API's check-run endpoints, recording every request, so a
// scenario can assert the check run the action created and the conclusion it completed it with.
import http from 'node:http';
import { readJsonBody, sendJson } from '../lib/http-json.ts';

export async function startFakeGitHub() {
  const requests = [];
  const runs = new Map();
  let nextId = 1000;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://github.local');
    let body;
    try {
      body = req.method === 'GET' ? undefined : await readJsonBody(req);
    } catch (error) {
      return sendJson(res, 400, { message: error.message });
    }
    requests.push({ at: new Date().toISOString(), method: req.method, path: url.pathname, body });
    const create = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(url.pathname);
    const update = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(url.pathname);
    if (req.method === 'POST' && create) {
      const id = nextId++;
      const run = {
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
      Object.assign(run, body ?? {});
      return sendJson(res, 200, run);
    }
    return sendJson(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
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
