// The KubeObjects port on the runner's kubectl. Chosen over @kubernetes/client-node because kubectl
// already honours KUBECONFIG and every exec credential plugin (EKS, GKE, AKS) the way the user's own
// steps do, adds nothing to the bundle and nothing to the action's cold start (the post step has
// ~10 s after a cancel); one weight change is one `kubectl patch`. See docs/charts.md for figures.
import type { CommandRunner } from '../deploy/command-runner.js';
import { displayCommand } from '../deploy/helm-error.js';
import { EDIT_FIELD_MANAGER, type JsonPatchOp } from '../routing/route-edit.js';
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
const ALREADY_EXISTS = /\(AlreadyExists\)|already exists/i;
/** 409: a resourceVersion or DeleteOptions precondition that no longer holds. */
const CONFLICT = /\(Conflict\)|the object has been modified|precondition failed|does not match/i;

/** What `create` and `replace` send: a whole object, namespaced. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; [key: string]: unknown };
  [key: string]: unknown;
}
/** How the API server answers a JSON Patch it cannot apply, a failed `test` op included (422). */
const PATCH_REJECTED = /the server rejected our request|test(ing)? (value|operation).*fail/i;

export class KubectlObjects implements KubeObjects {
  constructor(
    private readonly run: CommandRunner,
    private readonly kubectlPath = 'kubectl',
    private readonly requestTimeoutSeconds = 30
  ) {}

  async get<T>(resource: string, namespace: string, name: string): Promise<T | undefined> {
    // Managed fields say whether the action's patches still own part of a route (see handBack).
    const args = ['get', resource, name, '--namespace', namespace, '-o', 'json', '--show-managed-fields'];
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
      `--field-manager=${EDIT_FIELD_MANAGER}`,
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

  async apply<T>(resource: string, namespace: string, object: object, fieldManager: string): Promise<T> {
    const args = [
      'apply',
      '--server-side',
      `--field-manager=${fieldManager}`,
      '--force-conflicts',
      '--namespace',
      namespace,
      '-f',
      '-',
      '-o',
      'json'
    ];
    const result = await this.exec(args, JSON.stringify(object));
    if (result.exitCode !== 0) throw this.failure(args, result, resource);
    return this.json<T>(args, result.stdout);
  }

  /** Create-only (`kubectl create`): the object as created, or undefined when one of that name exists. */
  async createIfAbsent<T>(object: KubeObject): Promise<T | undefined> {
    const args = ['create', '--namespace', object.metadata.namespace, '-f', '-', '-o', 'json'];
    const result = await this.exec(args, JSON.stringify(object));
    if (result.exitCode !== 0) {
      if (ALREADY_EXISTS.test(result.stderr)) return undefined;
      throw this.failure(args, result);
    }
    return this.json<T>(args, result.stdout);
  }

  /**
   * Replace the object if it is still at `object.metadata.resourceVersion` (the API server's own
   * precondition); KubeConflictError when it changed or went meanwhile.
   */
  async replace<T>(object: KubeObject & { metadata: { resourceVersion: string } }): Promise<T> {
    const args = ['replace', '--namespace', object.metadata.namespace, '-f', '-', '-o', 'json'];
    const result = await this.exec(args, JSON.stringify(object));
    if (result.exitCode !== 0) {
      if (CONFLICT.test(result.stderr) || NOT_FOUND.test(result.stderr)) {
        throw new KubeConflictError(
          `${object.kind} ${object.metadata.namespace}/${object.metadata.name} changed or went since it was read`
        );
      }
      throw this.failure(args, result);
    }
    return this.json<T>(args, result.stdout);
  }

  /**
   * Delete the object at the API path `apiPath` if it is still this uid and resourceVersion
   * (DeleteOptions preconditions); KubeConflictError when it changed; an object already gone is fine.
   */
  async deleteIfUnchanged(apiPath: string, uid: string, resourceVersion: string): Promise<void> {
    const args = ['delete', '--raw', apiPath, '-f', '-'];
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid, resourceVersion } };
    const result = await this.exec(args, JSON.stringify(body));
    if (result.exitCode === 0 || NOT_FOUND.test(result.stderr)) return;
    if (CONFLICT.test(result.stderr)) throw new KubeConflictError(`${apiPath} changed since it was read`);
    throw this.failure(args, result);
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
      return await this.run(this.kubectlPath, argv, input === undefined ? {} : { input });
    } catch (error) {
      throw new Error(
        `could not run \`${this.kubectlPath}\` (is kubectl installed and on PATH?): ${errorMessage(error)}`
      );
    }
  }

  private failure(
    args: string[],
    result: { exitCode: number; stderr: string },
    stdinResource?: string
  ): KubectlError {
    // The patch body is long and may repeat the route: show the command without it.
    const shown = args.map((a, i) =>
      args[i - 1] === '-p' ? '<patch>' : a === '-' && stdinResource ? `<${stdinResource}>` : a
    );
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
