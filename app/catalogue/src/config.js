// Reads the catalogue's settings from the environment (the chart's contract); the checks and the
// variables it shares with the storefront are in ../../shared/env-settings.js.
import { readRequestFaultSettings, readServiceSettings } from '../../shared/env-settings.js';

export function readConfig(env = process.env) {
  return {
    ...readServiceSettings(env, { release: 'catalogue' }),
    faults: readRequestFaultSettings(env)
  };
}
