// A Prometheus in front of Prometheus for the demo: forwards every request to the real one, and
// drops from query results the series of the releases it is told to hide (label `release`), as
// if their pods had stopped being scraped. The action is pointed at it through `prometheus-url`;
// it works in front of any Prometheus.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsFilter {
  readonly url: string;
  /** From now on, query results carry no series of this release. */
  hide(release: string): void;
  showAll(): void;
  close(): Promise<void>;
}

export async function startMetricsFilter(upstreamUrl: string): Promise<MetricsFilter> {
  const hidden = new Set<string>();
  const upstream = new URL(upstreamUrl);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
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
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            let text = Buffer.concat(body).toString('utf8');
            if (hidden.size > 0 && req.url?.startsWith('/api/v1/query')) text = withoutHidden(text, hidden);
            const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hide: (release) => void hidden.add(release),
    showAll: () => hidden.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve()))
  };
}

interface QueryAnswer {
  data?: { result?: Array<{ metric?: { release?: string } }> };
}

function withoutHidden(text: string, hidden: Set<string>): string {
  try {
    const body = JSON.parse(text) as QueryAnswer;
    if (body.data && Array.isArray(body.data.result)) {
      body.data.result = body.data.result.filter((s) => !hidden.has(s.metric?.release ?? ''));
    }
    return JSON.stringify(body);
  } catch {
    return text;
  }
}
