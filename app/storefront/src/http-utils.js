// Small HTTP helpers: cookies, form bodies and sending HTML, so route handlers stay about the shop.

export const SESSION_COOKIE = 'sf_session';
const MAX_FORM_BYTES = 16 * 1024;

// A malformed %-escape in a hand-edited cookie reads as no cookie rather than failing the request.
function decodeCookieValue(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function readCookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeCookieValue(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionCookie(sessionId) {
  return `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${30 * 24 * 3600}`;
}

// Adds a Set-Cookie line to a response's headers (Node sends an array as one header line per cookie).
export function addSetCookie(headers, cookie) {
  const existing = headers['Set-Cookie'];
  headers['Set-Cookie'] = existing === undefined ? [cookie] : [...[existing].flat(), cookie];
}

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Reads an application/x-www-form-urlencoded body, refusing anything larger than a small form.
export async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, `Form body larger than ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendHtml(res, status, html, headers = {}) {
  send(res, status, html, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers
  });
}

export function redirect(res, location, headers = {}) {
  send(res, 303, '', { Location: location, ...headers });
}
