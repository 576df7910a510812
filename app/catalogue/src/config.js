// Reads the catalogue's settings from the environment (the chart's contract) and checks them, so a typo
// in a fault knob fails at start-up instead of silently playing a healthy release.
import os from 'node:os';

function number(env, name, fallback, { min = -Infinity, max = Infinity, integer = false } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
    throw new Error(`Environment variable ${name}="${raw}" is invalid: expected ${range}`);
  }
  return value;
}

export function readConfig(env = process.env) {
  return {
    port: number(env, 'PORT', 8080, { min: 0, max: 65535, integer: true }),
    host: env.HOST || '127.0.0.1',
    version: env.APP_VERSION || '0.0.0-dev',
    release: env.RELEASE || 'catalogue',
    track: env.TRACK || 'stable',
    // The pod's name (the chart sets it from the downward API); the host name outside Kubernetes.
    pod: env.POD_NAME || os.hostname(),
    startupDelayMs: number(env, 'STARTUP_DELAY_MS', 200, { min: 0 }),
    shutdownTimeoutMs: number(env, 'SHUTDOWN_TIMEOUT_MS', 20000, { min: 0 }),
    faults: {
      errorRate: number(env, 'FAULT_ERROR_RATE', 0, { min: 0, max: 1 }),
      latencyMs: number(env, 'FAULT_LATENCY_MS', 0, { min: 0 }),
      latencyFraction: number(env, 'FAULT_LATENCY_FRACTION', 1, { min: 0, max: 1 })
    }
  };
}
