// Page bodies. Each returns an HTML fragment that layout() wraps; every dynamic value is escaped.
import { escapeHtml as e } from './html.js';
import { formatPrice } from './prices.js';

export function cataloguePage(products) {
  const cards = products
    .map(
      (p) => `<article class="card">
  <a href="/product/${e(p.id)}"><div class="swatch" style="background:${e(p.colour)}"></div>
  <h2>${e(p.name)}</h2></a>
  <p class="muted">${e(p.blurb)}</p>
  <p class="price">${e(formatPrice(p.price))}</p>
</article>`
    )
    .join('\n');
  return `<h1>Coffee gear</h1>\n<section class="grid">\n${cards}\n</section>`;
}

export function productPage(product) {
  return `<article class="card">
  <div class="swatch" style="background:${e(product.colour)}"></div>
  <h1>${e(product.name)}</h1>
  <p>${e(product.blurb)}</p>
  <p class="price">${e(formatPrice(product.price))}</p>
  <form method="post" action="/cart/add">
    <input type="hidden" name="productId" value="${e(product.id)}">
    <label>Quantity <input type="number" name="qty" value="1" min="1" max="99"></label>
    <button type="submit" id="add-to-cart">Add to cart</button>
  </form>
</article>`;
}

function linesTable(lines) {
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${e(l.product.name)}</td><td>${l.qty}</td><td>${e(formatPrice(l.product.price * l.qty))}</td></tr>`
    )
    .join('\n');
  const total = lines.reduce((sum, l) => sum + l.product.price * l.qty, 0);
  return `<table>
<thead><tr><th>Product</th><th>Qty</th><th>Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th colspan="2">Total</th><th id="total">${e(formatPrice(total))}</th></tr></tfoot>
</table>`;
}

export function cartPage(lines) {
  if (lines.length === 0) {
    return `<h1>Your cart</h1><p class="muted">Your cart is empty. <a href="/">Browse the catalogue</a>.</p>`;
  }
  return `<h1>Your cart</h1>\n${linesTable(lines)}\n<p><a class="button" href="/checkout" id="to-checkout">Go to checkout</a></p>`;
}

export function checkoutPage(lines) {
  if (lines.length === 0) return cartPage(lines);
  return `<h1>Checkout</h1>
${linesTable(lines)}
<form method="post" action="/checkout">
  <p><label>Email <input type="email" name="email" value="buyer@example.com"></label></p>
  <button type="submit" id="place-order">Place order</button>
</form>`;
}

export function paymentFailedPage() {
  return `<h1>Checkout</h1>
<div class="notice bad" id="payment-failed"><strong>Payment failed.</strong> Your card was not charged; please try again.</div>
<p><a class="button" href="/checkout">Back to checkout</a></p>`;
}

// lines: [{ product, qty }] as in the cart, resolved from the order's product ids.
export function orderPage(order, lines) {
  return `<h1>Thank you!</h1>
<div class="notice ok" id="order-complete">Order <strong id="order-id">${e(order.id)}</strong> is complete.
Total paid: <strong>${e(formatPrice(order.total))}</strong>.</div>
<h2>Your order</h2>
${linesTable(lines)}
<p><a href="/">Continue shopping</a></p>`;
}

export function messagePage(heading, text) {
  return `<h1>${e(heading)}</h1><p>${e(text)}</p><p><a href="/">Back to the catalogue</a></p>`;
}
