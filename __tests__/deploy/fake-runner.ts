// A CommandRunner that records every call and answers from a script (unit tests only).
import type { CommandResult, CommandRunner } from '../../src/deploy/command-runner.js';

export type Answer = Partial<CommandResult> | ((args: string[]) => Partial<CommandResult>);

export interface FakeRunner {
  run: CommandRunner;
  calls: string[][];
  /** Argv of every call except `helm version`. */
  helmCalls(): string[][];
}

/** `answers` is matched by the argv prefix (e.g. `status`, `get values`); unmatched calls succeed empty. */
export function fakeRunner(helmVersion: string, answers: Record<string, Answer> = {}): FakeRunner {
  const calls: string[][] = [];
  const run: CommandRunner = async (_file, args) => {
    calls.push(args);
    if (args[0] === 'version') return { exitCode: 0, stdout: helmVersion, stderr: '' };
    const joined = args.join(' ');
    const key = Object.keys(answers).find((prefix) => joined.startsWith(prefix));
    const answer = key === undefined ? {} : answers[key];
    const result = typeof answer === 'function' ? answer(args) : answer;
    return { exitCode: 0, stdout: '', stderr: '', ...result };
  };
  return { run, calls, helmCalls: () => calls.filter((c) => c[0] !== 'version') };
}

export const NOT_FOUND = { exitCode: 1, stderr: 'Error: release: not found\n' };
