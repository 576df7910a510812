// HMAC-signed cookie values, so state kept by the browser (the cart, the last order) can be read by
// any pod that holds the same secret, and a value edited by hand is recognised and ignored.
// Token: v1.<base64url JSON>.<base64url HMAC-SHA256 over purpose, session id and payload>.
// The purpose keeps one kind of token from passing for another; the session id binds it to one shopper.
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

function mac(secret, purpose, sessionId, payload) {
  return createHmac('sha256', secret).update(`${purpose}\n${sessionId}\n${payload}`).digest();
}

export function signValue(secret, purpose, sessionId, value) {
  const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${VERSION}.${payload}.${mac(secret, purpose, sessionId, payload).toString('base64url')}`;
}

// The decoded value, or undefined when the token is missing, too long, malformed or not signed by us.
export function verifyValue(secret, purpose, sessionId, token, maxLength) {
  if (typeof token !== 'string' || token.length > maxLength) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  const [, payload, signature] = parts;
  const expected = mac(secret, purpose, sessionId, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
