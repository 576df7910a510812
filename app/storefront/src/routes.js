// The shop's routes: method + path template -> handler. The template (e.g. /product/:id) is the
// `route` label of the HTTP metrics, so label cardinality stays bounded whatever the URL.
import {
  cataloguePage,
  productPage,
  cartPage,
  checkoutPage,
  paymentFailedPage,
  orderPage,
  messagePage
} from './pages.js';
import { HttpError, addSetCookie, readCookie, readForm, redirect } from './http-utils.js';
import { MAX_CART_LINES, MAX_QTY, ORDER_COOKIE } from './cart-cookie.js';

function compile(template) {
  const names = [];
  const source = template.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${source}$`);
  return (pathname) => {
    const match = regex.exec(pathname);
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
  };
}

// [{ productId, qty }] -> [{ product, qty }]; ids the catalogue does not know are dropped.
async function withProducts(ctx, lines) {
  const byId = new Map((await ctx.products.list()).map((product) => [product.id, product]));
  return lines
    .map(({ productId, qty }) => ({ product: byId.get(productId), qty }))
    .filter((line) => line.product);
}

// Each handler gets ctx = { req, res, params, sessionId, headers, cart, cartCookies, products,
// page(status, title, body), store, metrics, faults }. ctx.cart is the cart the request's cookie carries;
// ctx.products the catalogue (built in, or the catalogue API: product-source.js).
const table = [
  ['GET', '/', async (ctx) => ctx.page(200, 'Catalogue', cataloguePage(await ctx.products.list()))],
  [
    'GET',
    '/product/:id',
    async (ctx) => {
      const product = await ctx.products.find(ctx.params.id);
      if (!product) throw new HttpError(404, `No product "${ctx.params.id}"`);
      ctx.page(200, product.name, productPage(product));
    }
  ],
  ['GET', '/cart', async (ctx) => ctx.page(200, 'Cart', cartPage(await withProducts(ctx, ctx.cart)))],
  [
    'POST',
    '/cart/add',
    async (ctx) => {
      const form = await readForm(ctx.req);
      const productId = form.get('productId') ?? '';
      const qty = Number(form.get('qty') ?? '1');
      if (!(await ctx.products.find(productId))) throw new HttpError(400, `Unknown productId "${productId}"`);
      if (!Number.isInteger(qty) || qty < 1 || qty > MAX_QTY) {
        throw new HttpError(400, `qty must be a whole number from 1 to ${MAX_QTY}, got "${form.get('qty')}"`);
      }
      const cart = ctx.cartCookies.withItem(ctx.cart, productId, qty);
      if (!cart) throw new HttpError(400, `The cart holds at most ${MAX_CART_LINES} different products`);
      addSetCookie(ctx.headers, ctx.cartCookies.cartCookie(ctx.sessionId, cart));
      redirect(ctx.res, '/cart', ctx.headers);
    }
  ],
  [
    'GET',
    '/checkout',
    async (ctx) => ctx.page(200, 'Checkout', checkoutPage(await withProducts(ctx, ctx.cart)))
  ],
  [
    'POST',
    '/checkout',
    async (ctx) => {
      await readForm(ctx.req);
      const lines = await withProducts(ctx, ctx.cart);
      if (lines.length === 0) return redirect(ctx.res, '/cart', ctx.headers);
      // The checkout fault answers 200: conversion drops while the error rate stays clean. The cart
      // cookie is left alone, so the shopper can try again.
      if (ctx.faults.shouldFailCheckout()) {
        ctx.metrics.checkoutFailed();
        return ctx.page(200, 'Payment failed', paymentFailedPage());
      }
      const total = lines.reduce((sum, l) => sum + l.product.price * l.qty, 0);
      const order = ctx.store.placeOrder(
        ctx.sessionId,
        lines.map((l) => ({ productId: l.product.id, qty: l.qty })),
        total
      );
      ctx.metrics.checkoutCompleted();
      // The confirmation may be served by another pod: the signed summary cookie carries what it shows.
      addSetCookie(ctx.headers, ctx.cartCookies.orderCookie(ctx.sessionId, order));
      addSetCookie(ctx.headers, ctx.cartCookies.clearCartCookie());
      redirect(ctx.res, `/order/${order.id}`, ctx.headers);
    }
  ],
  [
    'GET',
    '/order/:id',
    async (ctx) => {
      const order =
        ctx.store.findOrder(ctx.params.id) ??
        ctx.cartCookies.readOrder(readCookie(ctx.req, ORDER_COOKIE), ctx.sessionId, ctx.params.id);
      if (!order) throw new HttpError(404, `No order "${ctx.params.id}"`);
      ctx.page(200, 'Order complete', orderPage(order, await withProducts(ctx, order.lines)));
    }
  ]
];

export const routes = table.map(([method, template, handler]) => ({
  method,
  template,
  match: compile(template),
  handler
}));

// Finds the route for a request; `allowed` lists methods of a path that exists under another method.
// HEAD is answered like GET (Node drops the body).
export function findRoute(method, pathname) {
  const lookup = method === 'HEAD' ? 'GET' : method;
  const allowed = [];
  for (const route of routes) {
    const params = route.match(pathname);
    if (!params) continue;
    if (route.method === lookup) return { route, params };
    allowed.push(route.method);
  }
  return { allowed };
}

export { messagePage };
