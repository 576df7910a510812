// Reads the settings both apps take from the environment (their charts' contract) and checks them, so a
// typo in a fault knob fails at start-up instead of silently playing a healthy release.
import os from 'node:os';

// A number from env[name], `fallback` when unset or empty; anything else out of range is an error naming
// the variable and what was expected.
export function number(env, name, fallback, { min = -Infinity, max = Infinity, integer = false } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
    throw new Error(`Environment variable ${name}="${raw}" is invalid: expected ${range}`);
  }
  return value;
}

// Where to listen, who this process is (version, release, track, pod) and its start-up and shutdown
// timings. `release` is the app's default release name.
export function readServiceSettings(env, { release }) {
  return {
    port: number(env, 'PORT', 8080, { min: 0, max: 65535, integer: true }),
    host: env.HOST || '127.0.0.1',
    version: env.APP_VERSION || '0.0.0-dev',
    release: env.RELEASE || release,
    track: env.TRACK || 'stable',
    // The pod's name (the chart sets it from the downward API); the host name outside Kubernetes.
    pod: env.POD_NAME || os.hostname(),
    startupDelayMs: number(env, 'STARTUP_DELAY_MS', 200, { min: 0 }),
    shutdownTimeoutMs: number(env, 'SHUTDOWN_TIMEOUT_MS', 20000, { min: 0 })
  };
}

// The faults every request can carry (see request-faults.js).
export function readRequestFaultSettings(env) {
  return {
    errorRate: number(env, 'FAULT_ERROR_RATE', 0, { min: 0, max: 1 }),
    latencyMs: number(env, 'FAULT_LATENCY_MS', 0, { min: 0 }),
    latencyFraction: number(env, 'FAULT_LATENCY_FRACTION', 1, { min: 0, max: 1 })
  };
}
