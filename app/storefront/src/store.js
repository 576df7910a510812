// Session ids and the orders this pod placed, in memory. Carts are not here: they travel in a signed
// cookie (cart-cookie.js), so no request depends on reaching the pod that saw the previous one.
// The size cap keeps a load test from growing the heap without bound.
import { randomBytes } from 'node:crypto';

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function isSessionId(value) {
  return typeof value === 'string' && SESSION_ID.test(value);
}

export function createStore({ maxOrders = 10000 } = {}) {
  const orders = new Map(); // order id -> { id, sessionId, lines, total, placedAt }

  return {
    newSessionId() {
      return randomBytes(18).toString('base64url');
    },
    placeOrder(sessionId, lines, total) {
      const id = randomBytes(6).toString('hex');
      const order = { id, sessionId, lines, total, placedAt: new Date().toISOString() };
      orders.set(id, order);
      if (orders.size > maxOrders) orders.delete(orders.keys().next().value);
      return order;
    },
    findOrder(id) {
      return orders.get(id);
    }
  };
}
