// A recording stand-in for @actions/core, installed with jest.unstable_mockModule by each test file.
import { jest } from '@jest/globals';

export interface CoreCalls {
  warnings: string[];
  errors: Array<{ message: string; properties?: Record<string, unknown> }>;
  infos: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  secrets: string[];
  summaries: string[];
}

export function makeCoreMock() {
  const calls: CoreCalls = {
    warnings: [],
    errors: [],
    infos: [],
    outputs: {},
    state: {},
    secrets: [],
    summaries: []
  };
  let pending = '';
  const summary = {
    addRaw: jest.fn((text: string) => {
      pending += text;
      return summary;
    }),
    write: jest.fn(async () => {
      calls.summaries.push(pending);
      pending = '';
      return summary;
    })
  };
  const mock = {
    warning: jest.fn((m: string | Error) => void calls.warnings.push(String(m))),
    error: jest.fn(
      (m: string | Error, properties?: Record<string, unknown>) =>
        void calls.errors.push({ message: String(m), properties })
    ),
    info: jest.fn((m: string) => void calls.infos.push(m)),
    setOutput: jest.fn((k: string, v: unknown) => void (calls.outputs[k] = String(v))),
    saveState: jest.fn((k: string, v: unknown) => void (calls.state[k] = String(v))),
    getState: jest.fn((k: string) => calls.state[k] ?? ''),
    setSecret: jest.fn((s: string) => void calls.secrets.push(s)),
    summary
  };
  const reset = () => {
    calls.warnings.length = 0;
    calls.errors.length = 0;
    calls.infos.length = 0;
    calls.secrets.length = 0;
    calls.summaries.length = 0;
    for (const k of Object.keys(calls.outputs)) delete calls.outputs[k];
    for (const k of Object.keys(calls.state)) delete calls.state[k];
  };
  return { mock, calls, reset };
}
