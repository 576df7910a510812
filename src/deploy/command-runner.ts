// CommandRunner: the one way the deploy adapter starts processes. Always an argv array, never a
// shell string, so release names and values can never be interpreted by a shell.
import { getExecOutput } from '@actions/exec';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Extra variables, merged over process.env (never replacing it, so KUBECONFIG etc. still apply). */
  env?: Record<string, string>;
  /** Written to the process's stdin. */
  input?: string;
}

export type CommandRunner = (
  file: string,
  args: string[],
  options?: CommandOptions
) => Promise<CommandResult>;

/** Environment for a child: process.env with `extra` on top, undefined entries dropped. */
export function mergedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * @actions/exec splits its first parameter on spaces, so a binary path containing spaces or quotes
 * must be quoted in its own syntax (only `"` and `\` are escapable inside quotes).
 */
export function quoteToolPath(file: string): string {
  if (!/[\s"]/.test(file)) return file;
  return `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Runs through @actions/exec: output captured (not echoed), a non-zero exit returned, not thrown. */
export const actionsExecRunner: CommandRunner = async (file, args, options = {}) => {
  const result = await getExecOutput(quoteToolPath(file), args, {
    ignoreReturnCode: true,
    silent: true,
    env: mergedEnv(options.env),
    input: options.input === undefined ? undefined : Buffer.from(options.input, 'utf8')
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};
