// Minimal JSON-over-HTTP client for loopback control APIs (no keep-alive, bounded by a timeout).
import http from 'node:http';

export function requestJson(url, { method = 'GET', body, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method,
        agent: false,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': payload.length }
          : { accept: 'application/json' }
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            data = text;
          }
          resolve({ status: res.statusCode ?? 0, data });
        });
        res.on('error', reject);
      }
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`))
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Reads a JSON request body (bounded). */
export function readJsonBody(req, limit = 16 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) return reject(new Error(`request body over ${limit} bytes`));
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(new Error(`request body is not JSON: ${error.message}`));
      }
    });
    req.on('error', reject);
  });
}

export function sendJson(res, status, data) {
  const body = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
