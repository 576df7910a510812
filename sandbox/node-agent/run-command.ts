// Runs one program with an argv array (never a shell line) and returns its output; a failure names
// the command and carries its stderr.
import { execFile } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export function runCommand(argv: string[], timeoutMs = 10_000): Promise<CommandResult> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${argv.join(' ')} failed: ${stderr.trim() || error.message}`));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Runs `ip` with these arguments. */
export async function ip(...args: string[]): Promise<string> {
  return (await runCommand(['ip', ...args])).stdout;
}
