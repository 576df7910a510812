// A Prometheus in front of Prometheus for the demo: forwards every request to the real one, and
// drops from query results the series of the releases it is told to hide (label `release`), as
// if their pods had stopped being scraped. The action is pointed at it through `prometheus-url`;
// it works in front of any Prometheus, the sandbox's or a real control plane's.
import http from 'node:http';

export async function startMetricsFilter(upstreamUrl) {
  const hidden = new Set();
  const upstream = new URL(upstreamUrl);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const forward = http.request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' }
        },
        (answer) => {
          const body = [];
          answer.on('data', (c) => body.push(c));
          answer.on('end', () => {
            let text = Buffer.concat(body).toString('utf8');
            if (hidden.size > 0 && req.url.startsWith('/api/v1/query')) text = withoutHidden(text, hidden);
            const headers = { ...answer.headers, 'content-length': Buffer.byteLength(text) };
            delete headers['transfer-encoding'];
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(text);
          });
        }
      );
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`metrics filter: upstream error: ${error.message}`);
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** From now on, query results carry no series of this release. */
    hide: (release) => hidden.add(release),
    showAll: () => hidden.clear(),
    close: () => new Promise((resolve) => server.close(resolve))
  };
}

function withoutHidden(text, hidden) {
  try {
    const body = JSON.parse(text);
    if (Array.isArray(body?.data?.result)) {
      body.data.result = body.data.result.filter((s) => !hidden.has(s.metric?.release));
    }
    return JSON.stringify(body);
  } catch {
    return text;
  }
}
