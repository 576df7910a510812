// The part of the kubelet's HTTPS API that the sandbox can serve: container logs, so `kubectl logs`
// (with -f, --previous, --tail) works through the API server. It listens on the Node's InternalIP
// (the bridge address), port 10250, with a self-signed certificate made by openssl: the sandbox's API
// server does not verify kubelet certificates. exec, attach and port-forward are not served.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { runCommand } from './run-command.js';

export const KUBELET_PORT = 10250;
const FOLLOW_POLL_MS = 250;

export interface ContainerLog {
  file: string;
  /** Still the file the container writes to (it has not restarted or gone). */
  isCurrent(): boolean;
}

export type FindContainerLog = (
  namespace: string,
  pod: string,
  container: string,
  previous: boolean
) => ContainerLog | undefined;

async function selfSignedCertificate(dir: string, ip: string): Promise<{ key: Buffer; cert: Buffer }> {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, 'kubelet.key');
  const cert = path.join(dir, 'kubelet.crt');
  await runCommand([
    'openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '7', '-subj', '/CN=sandbox-node-agent', '-addext', `subjectAltName=IP:${ip}`,
    '-keyout', key, '-out', cert
  ]); // prettier-ignore
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/** The last `lines` lines of a text. */
export function lastLines(text: string, lines: number): string {
  if (lines <= 0) return '';
  const parts = text.split('\n');
  const trailing = parts.at(-1) === '' ? parts.pop() : undefined;
  return parts.slice(-lines).join('\n') + (trailing === '' ? '\n' : '');
}

function serveLog(
  log: ContainerLog,
  query: URLSearchParams,
  response: import('node:http').ServerResponse
): void {
  const text = fs.existsSync(log.file) ? fs.readFileSync(log.file) : Buffer.alloc(0);
  const tail = query.get('tailLines');
  let body =
    tail !== null && /^\d+$/.test(tail) ? Buffer.from(lastLines(text.toString('utf8'), Number(tail))) : text;
  const limit = query.get('limitBytes');
  if (limit !== null && /^\d+$/.test(limit)) body = body.subarray(0, Number(limit));
  response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.write(body);
  if (query.get('follow') !== 'true') {
    response.end();
    return;
  }
  let offset = text.length;
  const timer = setInterval(() => {
    const size = fs.existsSync(log.file) ? fs.statSync(log.file).size : offset;
    if (size > offset) {
      const fd = fs.openSync(log.file, 'r');
      const chunk = Buffer.alloc(size - offset);
      fs.readSync(fd, chunk, 0, chunk.length, offset);
      fs.closeSync(fd);
      offset = size;
      response.write(chunk);
    }
    if (!log.isCurrent()) {
      clearInterval(timer);
      response.end();
    }
  }, FOLLOW_POLL_MS);
  response.on('close', () => clearInterval(timer));
}

export async function startKubeletApi(options: {
  host: string;
  tlsDir: string;
  findContainerLog: FindContainerLog;
}): Promise<{ close(): Promise<void> }> {
  const tls = await selfSignedCertificate(options.tlsDir, options.host);
  const server = https.createServer(tls, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://node');
    const logs = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && logs) {
      const [namespace, pod, container] = logs.slice(1).map(decodeURIComponent);
      const previous = url.searchParams.get('previous') === 'true';
      const log = options.findContainerLog(namespace, pod, container, previous);
      if (!log) {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end(
          `${previous ? 'previous terminated container' : 'container'} "${container}" in pod "${pod}" not found\n`
        );
        return;
      }
      serveLog(log, url.searchParams, response);
      return;
    }
    if (url.pathname === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end(`${url.pathname}: not served by the sandbox node agent (only /containerLogs)\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(KUBELET_PORT, options.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
