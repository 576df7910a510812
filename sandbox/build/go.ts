// Runs the Go toolchain with argv arrays: module downloads (through the Go module proxy) and builds
// with a progress line, since a cold build of Kubernetes takes many minutes.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { formatDuration } from './duration.js';

/**
 * The environment for every go command: GOPROXY without its `direct` fallback, so a module the proxy
 * does not serve is an error here instead of a clone from its origin (downloads go only through the proxy).
 */
export function goEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const proxies = (env.GOPROXY ?? 'https://proxy.golang.org')
    .split(/[,|]/)
    .filter((entry) => entry !== '' && entry !== 'direct');
  return { ...env, GOPROXY: proxies.length > 0 ? proxies.join(',') : 'https://proxy.golang.org' };
}

export interface GoResult {
  readonly stdout: string;
  readonly stderr: string;
}

export class GoCommandError extends Error {
  constructor(argv: readonly string[], cwd: string, code: number | null, stderr: string) {
    const tail = stderr.trim().split('\n').slice(-30).join('\n');
    super(`go ${argv.join(' ')} (in ${cwd}) failed with exit code ${code}:\n${tail}`);
    this.name = 'GoCommandError';
  }
}

/** Runs `go ARGV...` in `cwd` and resolves with its output; rejects with the tail of stderr. */
export function runGo(
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<GoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) =>
      reject(new Error(`cannot run go (is Go 1.26 on PATH?): ${error.message}`, { cause: error }))
    );
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, stderr }) : reject(new GoCommandError(argv, cwd, code, stderr))
    );
  });
}

export interface ModuleInfo {
  readonly Path: string;
  readonly Version: string;
  readonly Dir: string;
}

/** `go mod download -json` of modules required by the module in `cwd`: their directories in the module cache. */
export async function downloadModules(
  cwd: string,
  modules: readonly string[]
): Promise<Map<string, ModuleInfo>> {
  const { stdout } = await runGo(['mod', 'download', '-json', ...modules], cwd);
  // The output is a stream of JSON objects, one per module, not a JSON array.
  const objects = stdout.split(/\n(?=\{)/).map((text) => JSON.parse(text) as ModuleInfo & { Error?: string });
  const found = new Map<string, ModuleInfo>();
  for (const info of objects) {
    if (info.Error) throw new Error(`go mod download ${info.Path} (in ${cwd}): ${info.Error}`);
    found.set(info.Path, info);
  }
  return found;
}

export interface BuildRequest {
  readonly cwd: string;
  readonly packages: readonly string[];
  readonly outDir: string;
  readonly ldflags: readonly string[];
  readonly tags: readonly string[];
  readonly logFile: string;
  /** Called every `progressEveryMs` with how many packages the go command compiled so far. */
  readonly onProgress: (compiled: number, elapsedMs: number) => void;
  readonly progressEveryMs?: number;
}

/** `go build -v -o OUTDIR/ PKG...`; -v names each package as it is compiled (cached ones are not named). */
export function buildCommands(request: BuildRequest): Promise<void> {
  const argv = [
    'build',
    '-v',
    '-buildvcs=false',
    '-mod=readonly',
    `-ldflags=${request.ldflags.join(' ')}`,
    ...(request.tags.length > 0 ? [`-tags=${request.tags.join(',')}`] : []),
    '-o',
    `${request.outDir}/`,
    ...request.packages
  ];
  const started = Date.now();
  const log = createWriteStream(request.logFile);
  log.write(`$ go ${argv.join(' ')}\n`);
  let compiled = 0;
  let stderrTail = '';
  return new Promise((resolve, reject) => {
    const child = spawn('go', argv, {
      cwd: request.cwd,
      env: goEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const timer = setInterval(
      () => request.onProgress(compiled, Date.now() - started),
      request.progressEveryMs ?? 20_000
    );
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString();
      log.write(text);
      compiled += text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).length;
      stderrTail = (stderrTail + text).slice(-20_000);
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new Error(`cannot run go (is Go 1.26 on PATH?): ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      log.end(`\n# exit ${code} after ${formatDuration(Date.now() - started)}\n`);
      if (code === 0) resolve();
      else reject(new GoCommandError(argv, request.cwd, code, stderrTail));
    });
  });
}
