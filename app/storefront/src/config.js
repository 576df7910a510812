// Reads the storefront's settings from the environment (the chart's contract) and checks them,
// so a typo in a fault knob fails at start-up instead of silently playing a healthy release. The
// variables it shares with the catalogue API are read in ../../shared/env-settings.js.
import { number, readRequestFaultSettings, readServiceSettings } from '../../shared/env-settings.js';
import { DEFAULT_CATALOGUE_TIMEOUT_MS, DEFAULT_CATALOGUE_WARMUP_CALLS } from './product-source.js';

// Signs the cart cookies when CART_SECRET is unset: fine on a laptop, and the same in every pod, so
// stable and canary read each other's carts. Deployments set their own through the chart.
export const DEV_CART_SECRET = 'storefront-dev-cart-secret-not-for-production';
const MIN_SECRET_LENGTH = 16;

function secret(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `Environment variable ${name} is invalid: expected at least ${MIN_SECRET_LENGTH} characters, got ${raw.length}`
    );
  }
  return raw;
}

// CATALOGUE_URL: the catalogue API's base URL; empty = the built-in catalogue.
function httpUrl(env, name) {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new Error(
      `Environment variable ${name}="${raw}" is invalid: expected an http(s) URL without query or fragment, e.g. http://catalogue.example.com`
    );
  }
  return raw;
}

export function readConfig(env = process.env) {
  return {
    ...readServiceSettings(env, { release: 'storefront' }),
    shutdownDrainMs: number(env, 'SHUTDOWN_DRAIN_MS', 0, { min: 0 }),
    cartSecret: secret(env, 'CART_SECRET', DEV_CART_SECRET),
    catalogueUrl: httpUrl(env, 'CATALOGUE_URL'),
    catalogueTimeoutMs: number(env, 'CATALOGUE_TIMEOUT_MS', DEFAULT_CATALOGUE_TIMEOUT_MS, {
      min: 1,
      integer: true
    }),
    catalogueWarmUpCalls: number(env, 'CATALOGUE_WARMUP_CALLS', DEFAULT_CATALOGUE_WARMUP_CALLS, {
      min: 0,
      integer: true
    }),
    faults: {
      ...readRequestFaultSettings(env),
      checkoutFailureRate: number(env, 'FAULT_CHECKOUT_FAILURE_RATE', 0, { min: 0, max: 1 }),
      crashAfterSeconds: number(env, 'FAULT_CRASH_AFTER_SECONDS', 0, { min: 0 })
    }
  };
}
