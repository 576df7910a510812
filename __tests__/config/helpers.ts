// Shared helpers for the config tests: a getInput over a plain object, and a temp workspace
// with a chart directory, a values file and room for config files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config/errors.js';

export function inputs(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? '';
}

/** Inputs of a valid deploy, as the first user's workflow gives them. */
export const BASE_INPUTS: Record<string, string> = {
  release: 'storefront',
  chart: './charts/storefront',
  version: '1.4.0',
  'prometheus-url': 'http://127.0.0.1:9090'
};

export interface Workspace {
  dir: string;
  write(relative: string, text: string): string;
  remove(): void;
}

export function makeWorkspace(): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-test-'));
  fs.mkdirSync(path.join(dir, 'charts', 'storefront'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'charts', 'storefront', 'Chart.yaml'),
    'apiVersion: v2\nname: storefront\nversion: 0.1.0\n'
  );
  return {
    dir,
    write(relative, text) {
      const file = path.join(dir, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Runs `fn`, expects a ConfigError, returns its message. */
export function configErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
