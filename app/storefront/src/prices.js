// How the shop shows a price (products carry cents; see ../../shared/products.js).
export function formatPrice(cents) {
  return `€${(cents / 100).toFixed(2)}`;
}
