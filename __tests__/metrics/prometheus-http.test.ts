// PrometheusProvider over real HTTP on loopback: servers that are not Prometheus, fail and recover,
// never answer, or are not there at all.
import http from 'node:http';
import { PrometheusProvider, PrometheusQueryError } from '../../src/metrics/prometheus.js';
import { MetricsUnavailableError } from '../../src/metrics/types.js';
import { freePort } from '../helpers/free-port.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<{ url: string; requests: http.IncomingMessage[] }> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const SECRET = 's3cr3t-token';
const vector = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'vector',
    result: [{ metric: { __name__: 'up', job: 'x' }, value: [1700000000, '42'] }]
  }
});

function provider(url: string, logs: string[] = [], timeoutSeconds = 5) {
  return new PrometheusProvider(
    { url, headers: { Authorization: `Bearer ${SECRET}` }, timeoutSeconds },
    { retries: 2, backoffMs: 1, log: (line) => logs.push(line) }
  );
}

it('sends the query, time and headers to /api/v1/query under a path prefix', async () => {
  const server = await serve((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(vector)
  );
  const series = await provider(`${server.url}/prom/`).query('up{job="x"}', 1700000000.5);
  expect(series).toEqual([{ labels: { __name__: 'up', job: 'x' }, value: 42 }]);
  const url = new URL(server.requests[0].url!, server.url);
  expect(url.pathname).toBe('/prom/api/v1/query');
  expect(url.searchParams.get('query')).toBe('up{job="x"}');
  expect(url.searchParams.get('time')).toBe('1700000000.500');
  expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
});

it('says a URL that answers HTML is not Prometheus, naming the URL, without retrying', async () => {
  const server = await serve((_req, res) =>
    res
      .writeHead(200, { 'Content-Type': 'text/html' })
      .end('<!DOCTYPE html><html><body>Grafana</body></html>')
  );
  const logs: string[] = [];
  const query = provider(server.url, logs).query('up');
  await expect(query).rejects.toThrow(MetricsUnavailableError);
  await expect(query).rejects.toThrow(
    `${server.url} does not answer like Prometheus: GET /api/v1/query returned HTTP 200 (text/html) starting "<!DOCTYPE html>`
  );
  expect(server.requests).toHaveLength(1);
  expect(logs).toEqual([]);
});

it('says JSON without a status field is not Prometheus either', async () => {
  const server = await serve((_req, res) =>
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not Found"}')
  );
  await expect(provider(server.url).query('up')).rejects.toThrow(
    /does not answer like Prometheus: .*HTTP 404/
  );
});

it('retries 5xx with backoff and succeeds when Prometheus recovers', async () => {
  let calls = 0;
  const server = await serve((_req, res) => {
    calls++;
    if (calls <= 2) res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable');
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(vector);
  });
  const logs: string[] = [];
  expect(await provider(server.url, logs).query('up')).toHaveLength(1);
  expect(logs).toEqual([
    `Prometheus at ${server.url}: HTTP 503; retry 1/2 in 1 ms`,
    `Prometheus at ${server.url}: HTTP 503; retry 2/2 in 2 ms`
  ]);
});

it('retries a closed port, then fails with MetricsUnavailableError naming the URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const logs: string[] = [];
  const query = provider(url, logs).query('up');
  await expect(query).rejects.toThrow(MetricsUnavailableError);
  await expect(query).rejects.toThrow(
    new RegExp(`Prometheus at ${url} did not answer after 3 attempts: ECONNREFUSED`)
  );
  expect(logs).toHaveLength(2);
  expect(logs[1]).toBe(
    `Prometheus at ${url}: ECONNREFUSED: connect ECONNREFUSED ${url.slice(7)}; retry 2/2 in 2 ms`
  );
});

it('times out a server that never answers, and retries it', async () => {
  const server = await serve(() => {
    // never respond
  });
  const query = provider(server.url, [], 0.2).query('up');
  await expect(query).rejects.toThrow(/did not answer after 3 attempts: no answer within 0.2s \(timeout\)/);
  expect(server.requests).toHaveLength(3);
});

it('rejects a bad query with Prometheus`s message and does not retry it', async () => {
  const server = await serve((_req, res) =>
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: 'parse error: unexpected end of input'
      })
    )
  );
  const query = provider(server.url).query('up{');
  await expect(query).rejects.toThrow(PrometheusQueryError);
  await expect(query).rejects.toThrow('rejected query up{: bad_data: parse error: unexpected end of input');
  expect(server.requests).toHaveLength(1);
});

it('never puts header values or URL passwords in errors or logs', async () => {
  const server = await serve((_req, res) => res.writeHead(401).end('Unauthorized'));
  const logs: string[] = [];
  const withPassword = server.url.replace('http://', 'http://admin:hunter2@');
  const error = await provider(withPassword, logs)
    .query('up')
    .catch((e: Error) => e);
  expect(error).toBeInstanceOf(MetricsUnavailableError);
  expect((error as Error).message).toMatch(
    /refused the query with HTTP 401: check the credentials in prometheus-headers/
  );
  const everything = `${(error as Error).message}\n${(error as Error).stack}\n${logs.join('\n')}`;
  expect(everything).not.toContain(SECRET);
  expect(everything).not.toContain('hunter2');
});

it('can be built without a URL (commands that sample nothing) and names the input when queried', async () => {
  const empty = new PrometheusProvider({ url: '', headers: {}, timeoutSeconds: 1 });
  await expect(empty.query('up')).rejects.toThrow(
    'prometheus-url "" is not a URL; expected http(s)://host:port'
  );
});
