// Where the storefront's products come from: its built-in list (shared/products.js), or the catalogue API
// (app/catalogue) when CATALOGUE_URL is set. A call to the API that fails, times out or answers
// something that is not a product list is an HttpError 502 for the page that needed it, so a bad API
// shows up in the storefront's own 5xx rate.
import { findProduct, listProducts } from '../../shared/products.js';
import { HttpError } from './http-utils.js';

export const DEFAULT_CATALOGUE_TIMEOUT_MS = 2000;
export const DEFAULT_CATALOGUE_WARMUP_CALLS = 50;
const WARMUP_BUDGET_MS = 3000;
const PRODUCT_ID = /^[a-z0-9-]{1,40}$/;

export function builtInProducts() {
  return {
    list: async () => listProducts(),
    find: async (id) => findProduct(id),
    warmUp: async () => {}
  };
}

function isProduct(value) {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.id === 'string' &&
    PRODUCT_ID.test(value.id) &&
    typeof value.name === 'string' &&
    Number.isInteger(value.price) &&
    value.price >= 0 &&
    typeof value.colour === 'string' &&
    typeof value.blurb === 'string'
  );
}

/** The catalogue API at `url` (e.g. http://catalogue.example.com): GET /products and /products/:id. */
export function remoteProducts(
  url,
  {
    timeoutMs = DEFAULT_CATALOGUE_TIMEOUT_MS,
    warmUpCalls = DEFAULT_CATALOGUE_WARMUP_CALLS,
    fetchImpl = fetch
  } = {}
) {
  const base = url.replace(/\/+$/, '');

  async function getJson(path) {
    let response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs)
      });
    } catch (error) {
      const why =
        error?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error?.cause ?? error);
      throw new HttpError(502, `The catalogue API (${base}) is unavailable: ${why}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 404) return { status: 404 };
    if (response.status !== 200) {
      throw new HttpError(502, `The catalogue API (${base}) answered ${response.status} for ${path}`);
    }
    try {
      return { status: 200, body: JSON.parse(text) };
    } catch {
      throw new HttpError(
        502,
        `The catalogue API (${base}) answered ${path} with something that is not JSON`
      );
    }
  }

  const source = {
    /**
     * Before the pod is ready: up to warmUpCalls list calls (at most 3 s, stopping early when `stop()`
     * says so), so its connections are open and the client's code is warm. Failures are not fatal here:
     * a page that needs the API answers 502 until it works.
     */
    async warmUp(stop = () => false) {
      const until = Date.now() + WARMUP_BUDGET_MS;
      for (let i = 0; i < warmUpCalls && Date.now() < until && !stop(); i++) {
        await source.list().catch(() => undefined);
      }
    },
    async list() {
      const { body } = await getJson('/products');
      if (!Array.isArray(body?.products) || !body.products.every(isProduct)) {
        throw new HttpError(
          502,
          `The catalogue API (${base}) answered /products without a valid product list`
        );
      }
      return body.products;
    },
    async find(id) {
      if (!PRODUCT_ID.test(id)) return undefined;
      const answer = await getJson(`/products/${encodeURIComponent(id)}`);
      if (answer.status === 404) return undefined;
      if (!isProduct(answer.body?.product)) {
        throw new HttpError(
          502,
          `The catalogue API (${base}) answered /products/${id} without a valid product`
        );
      }
      return answer.body.product;
    }
  };
  return source;
}

export function productSource({ catalogueUrl, catalogueTimeoutMs, catalogueWarmUpCalls } = {}) {
  return catalogueUrl
    ? remoteProducts(catalogueUrl, { timeoutMs: catalogueTimeoutMs, warmUpCalls: catalogueWarmUpCalls })
    : builtInProducts();
}
