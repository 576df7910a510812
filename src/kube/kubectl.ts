// The KubeObjects port on the runner's kubectl. Chosen over @kubernetes/client-node because kubectl
// already honours KUBECONFIG and every exec credential plugin (EKS, GKE, AKS) the way the user's own
// steps do, adds nothing to the bundle and nothing to the action's cold start (the post step has
// ~10 s after a cancel); one weight change is one `kubectl patch`. See docs/charts.md for figures.
import type { CommandRunner } from '../deploy/command-runner.js';
import { displayCommand } from '../deploy/helm-error.js';
import type { JsonPatchOp } from '../routing/httproute.js';
import { KubeConflictError, type KubeObjects } from '../routing/kube.js';
import { errorMessage } from '../error-message.js';

export class KubectlError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string
  ) {
    super(`\`${command}\` failed with exit code ${exitCode}: ${stderr.trim() || '(no output on stderr)'}`);
    this.name = 'KubectlError';
  }
}

const NOT_FOUND = /\(NotFound\)|not found/i;
/** How the API server answers a JSON Patch it cannot apply, a failed `test` op included (422). */
const PATCH_REJECTED = /the server rejected our request|test(ing)? (value|operation).*fail/i;

export class KubectlObjects implements KubeObjects {
  constructor(
    private readonly run: CommandRunner,
    private readonly kubectlPath = 'kubectl',
    private readonly requestTimeoutSeconds = 30
  ) {}

  async get<T>(resource: string, namespace: string, name: string): Promise<T | undefined> {
    const args = ['get', resource, name, '--namespace', namespace, '-o', 'json'];
    const result = await this.exec(args);
    if (result.exitCode !== 0) {
      if (NOT_FOUND.test(result.stderr) && !/resource type/i.test(result.stderr)) return undefined;
      throw this.failure(args, result);
    }
    return this.json<T>(args, result.stdout);
  }

  async list<T>(resource: string, namespace: string): Promise<T[]> {
    const args = ['get', resource, '--namespace', namespace, '-o', 'json'];
    const result = await this.exec(args);
    if (result.exitCode !== 0) throw this.failure(args, result);
    return this.json<{ items?: T[] }>(args, result.stdout).items ?? [];
  }

  async jsonPatch<T>(resource: string, namespace: string, name: string, ops: JsonPatchOp[]): Promise<T> {
    const args = [
      'patch',
      resource,
      name,
      '--namespace',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify(ops),
      '-o',
      'json'
    ];
    const result = await this.exec(args);
    if (result.exitCode !== 0) {
      if (PATCH_REJECTED.test(result.stderr) && (await this.changedSince(resource, namespace, name, ops))) {
        throw new KubeConflictError(`${resource} ${namespace}/${name} changed while it was being edited`);
      }
      throw this.failure(args, result);
    }
    return this.json<T>(args, result.stdout);
  }

  async create<T>(resource: string, namespace: string, object: object): Promise<T> {
    // The object goes in on stdin: no temporary file, and nothing of it on a command line.
    const args = ['create', '--namespace', namespace, '-f', '-', '-o', 'json'];
    const result = await this.exec(args, JSON.stringify(object));
    if (result.exitCode !== 0) throw this.failure([...args.slice(0, 1), resource, ...args.slice(1)], result);
    return this.json<T>(args, result.stdout);
  }

  async delete(resource: string, namespace: string, name: string): Promise<void> {
    const args = ['delete', resource, name, '--namespace', namespace, '--ignore-not-found', '--wait=false'];
    const result = await this.exec(args);
    if (result.exitCode !== 0) throw this.failure(args, result);
  }

  /** The 422 says only "invalid": it is a conflict when the object's version moved past the test op's. */
  private async changedSince(
    resource: string,
    namespace: string,
    name: string,
    ops: JsonPatchOp[]
  ): Promise<boolean> {
    const test = ops.find((op) => op.op === 'test' && op.path === '/metadata/resourceVersion');
    if (!test || test.op !== 'test') return false;
    const now = await this.get<{ metadata?: { resourceVersion?: string } }>(resource, namespace, name);
    return now?.metadata?.resourceVersion !== test.value;
  }

  private async exec(args: string[], input?: string) {
    const argv = [...args, `--request-timeout=${this.requestTimeoutSeconds}s`];
    try {
      return await this.run(this.kubectlPath, argv, input === undefined ? undefined : { input });
    } catch (error) {
      throw new Error(
        `could not run \`${this.kubectlPath}\` (is kubectl installed and on PATH?): ${errorMessage(error)}`
      );
    }
  }

  private failure(args: string[], result: { exitCode: number; stderr: string }): KubectlError {
    // The patch body is long and may repeat the route: show the command without it.
    const shown = args.map((a, i) => (args[i - 1] === '-p' ? '<patch>' : a));
    return new KubectlError(displayCommand(this.kubectlPath, shown), result.exitCode, result.stderr);
  }

  private json<T>(args: string[], stdout: string): T {
    try {
      return JSON.parse(stdout) as T;
    } catch {
      throw new Error(
        `\`${displayCommand(this.kubectlPath, args.slice(0, 4))}\` did not print JSON: ${stdout.slice(0, 200) || '(empty)'}`
      );
    }
  }
}
