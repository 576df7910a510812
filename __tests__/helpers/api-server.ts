// A real Kubernetes API server for one test file: the sandbox's control plane without a Node
// (`sandbox up --no-agent`) in a state directory of its own, with KUBECONFIG pointed at it while the
// file runs, because the adapters run kubectl and Helm with the process environment, as on a runner.
// A suite that needs it skips with a message when the sandbox is not built (`npm run sandbox:build`).
import { afterAll, beforeAll, describe } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const root = process.env.SANDBOX_ROOT ?? path.resolve(import.meta.dirname, '../..');
const manifestFile = path.join(root, '.tools/sandbox/manifest.json');
const cli = path.join(root, 'sandbox/cli.ts');

/** `describe` when the sandbox is built, else `describe.skip` with a warning naming the suite. */
export function describeIfSandboxBuilt(suite: string): typeof describe.skip {
  if (existsSync(manifestFile) && existsSync(cli)) return describe;
  console.warn(
    `${suite}: SKIPPED, ${manifestFile} (or ${cli}) not found: run \`npm run sandbox:build\` first`
  );
  return describe.skip;
}

export interface ApiServer {
  /** The sandbox's kubeconfig (set once the suite's first beforeAll ran). */
  readonly kubeconfig: string;
  /** The state directory: scratch space that is removed with the server. */
  readonly stateDir: string;
  /** The sandbox's kubectl binary, for the adapters under test. */
  readonly kubectlBinary: string;
  /** Runs the sandbox's kubectl against this server; `stdin` is written to it. Resolves to stdout. */
  kubectl(args: string[], stdin?: string): Promise<string>;
}

/**
 * Starts the API server before the suite's tests and stops it after them, with `namespace` created.
 * Call it first inside `describe`, so that the suite's own beforeAll hooks run once it is up.
 */
export function useApiServer(stateDirPrefix: string, namespace: string): ApiServer {
  let previousKubeconfig: string | undefined;
  const server = {
    kubeconfig: '',
    stateDir: '',
    kubectlBinary: '',
    async kubectl(args: string[], stdin?: string): Promise<string> {
      const child = execFileAsync(server.kubectlBinary, [`--kubeconfig=${server.kubeconfig}`, ...args]);
      if (stdin !== undefined) child.child.stdin?.end(stdin);
      return (await child).stdout;
    }
  };
  const sandbox = (args: string[]) =>
    execFileAsync(process.execPath, ['--import', 'tsx', cli, ...args, '--state-dir', server.stateDir], {
      cwd: root
    });

  beforeAll(async () => {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { binaries: { kubectl: string } };
    server.kubectlBinary = manifest.binaries.kubectl;
    server.stateDir = mkdtempSync(path.join(os.tmpdir(), stateDirPrefix));
    const { stdout } = await sandbox(['up', '--no-agent', '--json']);
    server.kubeconfig = (JSON.parse(stdout.trim().split('\n').at(-1)!) as { kubeconfig: string }).kubeconfig;
    previousKubeconfig = process.env.KUBECONFIG;
    process.env.KUBECONFIG = server.kubeconfig;
    await server.kubectl(['create', 'namespace', namespace]);
  });

  afterAll(async () => {
    if (previousKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previousKubeconfig;
    if (server.stateDir) {
      await sandbox(['down']).catch((error: unknown) => console.warn(`sandbox down: ${String(error)}`));
      rmSync(server.stateDir, { recursive: true, force: true });
    }
  });
  return server;
}
