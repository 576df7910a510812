// The kubectl built from the pinned Kubernetes release, run with argv arrays against the sandbox.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class Kubectl {
  constructor(
    private readonly binary: string,
    private readonly kubeconfig: string
  ) {}

  async run(args: readonly string[], stdin?: string): Promise<string> {
    const argv = [`--kubeconfig=${this.kubeconfig}`, ...args];
    try {
      const child = execFileAsync(this.binary, argv, { maxBuffer: 64 * 1024 * 1024 });
      if (stdin !== undefined) child.child.stdin?.end(stdin);
      const { stdout } = await child;
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim()}`);
    }
  }

  /** Server-side apply: CRDs are too big for the last-applied annotation of a client-side apply. */
  applyFiles(files: readonly string[]): Promise<string> {
    return this.run([
      'apply',
      '--server-side',
      '--field-manager=canary-action-sandbox',
      ...files.flatMap((f) => ['-f', f])
    ]);
  }

  applyObjects(objects: readonly object[]): Promise<string> {
    const list = { apiVersion: 'v1', kind: 'List', items: objects };
    return this.run(
      ['apply', '--server-side', '--field-manager=canary-action-sandbox', '-f', '-'],
      JSON.stringify(list)
    );
  }

  async getJson<T>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.run(['get', ...args, '-o', 'json'])) as T;
  }
}
