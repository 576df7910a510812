// The cart and the last order's summary live in signed cookies (sf_cart, sf_order), not in a pod's
// memory: whichever pod, arm or replica a shopper's next request reaches can render the cart, take
// the checkout and show the confirmation. Anything that fails validation reads as an empty cart.
import { signValue, verifyValue } from './signed-cookie.js';

export const CART_COOKIE = 'sf_cart';
export const ORDER_COOKIE = 'sf_order';
export const MAX_CART_LINES = 20;
export const MAX_QTY = 99;
// Well under the browsers' 4 KiB per cookie; longer values are not even verified.
const MAX_TOKEN_LENGTH = 2048;
const PRODUCT_ID = /^[a-z0-9-]{1,40}$/;
const ORDER_ID = /^[0-9a-f]{12}$/;
const CART_MAX_AGE = 30 * 24 * 3600;
const ORDER_MAX_AGE = 3600;

// [{ productId, qty }] from [[productId, qty]], or undefined if any line is out of bounds.
function parseLines(raw) {
  if (!Array.isArray(raw) || raw.length > MAX_CART_LINES) return undefined;
  const lines = [];
  for (const entry of raw) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const [productId, qty] = entry;
    if (typeof productId !== 'string' || !PRODUCT_ID.test(productId)) return undefined;
    if (!Number.isInteger(qty) || qty < 1 || qty > MAX_QTY) return undefined;
    if (lines.some((line) => line.productId === productId)) return undefined;
    lines.push({ productId, qty });
  }
  return lines;
}

const packLines = (lines) => lines.map(({ productId, qty }) => [productId, qty]);

function cookie(name, value, maxAge) {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
}

export function createCartCookies(secret) {
  return {
    readCart(token, sessionId) {
      return parseLines(verifyValue(secret, CART_COOKIE, sessionId, token, MAX_TOKEN_LENGTH)) ?? [];
    },
    // Adds qty of productId (capped at MAX_QTY); a cart already at MAX_CART_LINES takes no new product.
    withItem(lines, productId, qty) {
      const existing = lines.find((line) => line.productId === productId);
      if (existing) {
        return lines.map((line) =>
          line === existing ? { productId, qty: Math.min(line.qty + qty, MAX_QTY) } : line
        );
      }
      if (lines.length >= MAX_CART_LINES) return undefined;
      return [...lines, { productId, qty: Math.min(qty, MAX_QTY) }];
    },
    cartCookie(sessionId, lines) {
      return cookie(CART_COOKIE, signValue(secret, CART_COOKIE, sessionId, packLines(lines)), CART_MAX_AGE);
    },
    clearCartCookie() {
      return cookie(CART_COOKIE, '', 0);
    },
    // The confirmation page's data, so the pod that answers GET /order/:id need not be the one that placed it.
    orderCookie(sessionId, order) {
      const summary = { id: order.id, total: order.total, lines: packLines(order.lines) };
      return cookie(ORDER_COOKIE, signValue(secret, ORDER_COOKIE, sessionId, summary), ORDER_MAX_AGE);
    },
    readOrder(token, sessionId, orderId) {
      const value = verifyValue(secret, ORDER_COOKIE, sessionId, token, MAX_TOKEN_LENGTH);
      if (!value || value.id !== orderId || !ORDER_ID.test(value.id)) return undefined;
      if (!Number.isInteger(value.total) || value.total < 0) return undefined;
      const lines = parseLines(value.lines);
      return lines ? { id: value.id, total: value.total, lines } : undefined;
    }
  };
}
