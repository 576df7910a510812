// A failed helm command: what ran, its exit code, and Helm's own explanation (stderr).

/** Render argv for a log line a person could paste into a shell (display only; never executed). */
export function displayCommand(file: string, args: string[]): string {
  return [file, ...args]
    .map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

export class HelmError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string
  ) {
    super(`\`${command}\` failed with exit code ${exitCode}: ${stderr.trim() || '(no output on stderr)'}`);
    this.name = 'HelmError';
  }
}

/** Helm's wording when a release does not exist (`Error: release: not found`, in Helm 3 and 4). */
export function isReleaseNotFound(stderr: string): boolean {
  return /release: not found/i.test(stderr);
}
