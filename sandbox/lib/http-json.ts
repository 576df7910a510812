// JSON over HTTP for the demo's local servers (the fake GitHub API): read a bounded JSON body, send JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a JSON request body (bounded); an empty body is `{}`. */
export function readJsonBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) return reject(new Error(`request body over ${limit} bytes`));
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(new Error(`request body is not JSON: ${(error as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, data: unknown): void {
  const body = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
