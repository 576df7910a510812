// In-memory sessions, carts and orders. Each pod keeps its own; that is fine for a demo workload,
// and the size cap keeps a load test from growing the heap without bound.
import { randomBytes } from 'node:crypto';

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function isSessionId(value) {
  return typeof value === 'string' && SESSION_ID.test(value);
}

export function createStore({ maxSessions = 10000, maxOrders = 10000 } = {}) {
  const carts = new Map(); // session id -> Map(productId -> qty)
  const orders = new Map(); // order id -> { id, sessionId, lines, total, placedAt }

  function remember(map, key, value, max) {
    map.delete(key);
    map.set(key, value);
    if (map.size > max) map.delete(map.keys().next().value);
  }

  function cartOf(sessionId) {
    let cart = carts.get(sessionId);
    if (!cart) {
      cart = new Map();
      remember(carts, sessionId, cart, maxSessions);
    }
    return cart;
  }

  return {
    newSessionId() {
      return randomBytes(18).toString('base64url');
    },
    cartLines(sessionId) {
      return [...(carts.get(sessionId) ?? new Map())].map(([productId, qty]) => ({ productId, qty }));
    },
    cartCount(sessionId) {
      let count = 0;
      for (const qty of (carts.get(sessionId) ?? new Map()).values()) count += qty;
      return count;
    },
    addToCart(sessionId, productId, qty) {
      const cart = cartOf(sessionId);
      cart.set(productId, Math.min((cart.get(productId) ?? 0) + qty, 99));
    },
    placeOrder(sessionId, lines, total) {
      const id = randomBytes(6).toString('hex');
      const order = { id, sessionId, lines, total, placedAt: new Date().toISOString() };
      remember(orders, id, order, maxOrders);
      carts.delete(sessionId);
      return order;
    },
    findOrder(id) {
      return orders.get(id);
    }
  };
}
