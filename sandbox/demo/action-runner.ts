// Runs the action's bundle the way the GitHub runner does: `node dist/index.js` with every input as
// INPUT_<NAME> (uppercased, spaces to `_`, dashes kept; action.yml defaults filled in), the GITHUB_*
// and RUNNER_* variables, fresh GITHUB_OUTPUT/GITHUB_STATE/GITHUB_STEP_SUMMARY files, and for the post
// step the saved state as STATE_<name>. Cancellation is the runner's: SIGINT, SIGTERM 7.5 s later,
// SIGKILL 2.5 s after that.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export type Inputs = Record<string, string>;

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** action.yml's input defaults, with `${{ github.token }}` resolved; other expressions are left out. */
export function actionDefaults(actionYmlPath: string, { token }: { token?: string } = {}): Inputs {
  if (!fs.existsSync(actionYmlPath)) return {};
  const doc = (parse(fs.readFileSync(actionYmlPath, 'utf8')) ?? {}) as {
    inputs?: Record<string, { default?: unknown } | null>;
  };
  const out: Inputs = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    if (spec?.default === undefined || spec.default === null) continue;
    const value = String(spec.default);
    if (/\$\{\{\s*github\.token\s*\}\}/.test(value)) {
      if (token) out[name] = token;
    } else if (!value.includes('${{')) out[name] = value;
  }
  return out;
}

/** Reads a GITHUB_OUTPUT/GITHUB_STATE file: `name=value` lines and `name<<DELIM ... DELIM` blocks. */
export function parseCommandFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      out[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface RunOptions {
  readonly repoRoot: string;
  /** Where this run's files go. */
  readonly workDir: string;
  /** dist/index.js (main) or dist/post/index.js (post), relative to repoRoot. */
  readonly entry?: string;
  readonly inputs: Inputs;
  /** Extra env (the cluster's, the GitHub API's). */
  readonly env?: Record<string, string | undefined>;
  /** For the post step: the main step's saved state. */
  readonly state?: Record<string, string>;
  /** RUNNER_TEMP; the runner shares one between a job's main and post steps. */
  readonly runnerTemp?: string;
  /** Cancel like the runner after this long. */
  readonly timeoutMs?: number;
  /** Each line the action prints. */
  readonly onLine?: (line: string) => void;
  /** Send SIGINT (the runner's cancel) after this long. */
  readonly cancel?: { afterMs?: number };
}

export interface RunFiles {
  readonly output: string;
  readonly state: string;
  readonly summary: string;
  readonly env: string;
  readonly path: string;
  readonly event: string;
  readonly log: string;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly cancelledAt: number | undefined;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
  readonly files: RunFiles;
  readonly runnerTemp: string;
}

export interface RunHandle {
  readonly child: ChildProcess;
  cancel(): void;
  kill(signal?: NodeJS.Signals): boolean;
  done: Promise<RunResult>;
}

export function runAction(options: RunOptions): RunHandle {
  const { repoRoot, workDir } = options;
  const entry = path.join(repoRoot, options.entry ?? 'dist/index.js');
  fs.mkdirSync(workDir, { recursive: true });
  const files: RunFiles = {
    output: path.join(workDir, 'github_output'),
    state: path.join(workDir, 'github_state'),
    summary: path.join(workDir, 'step_summary.md'),
    env: path.join(workDir, 'github_env'),
    path: path.join(workDir, 'github_path'),
    event: path.join(workDir, 'event.json'),
    log: path.join(workDir, 'action.log')
  };
  const runnerTemp = options.runnerTemp ?? path.join(workDir, 'runner_temp');
  fs.mkdirSync(runnerTemp, { recursive: true });
  for (const f of [files.output, files.state, files.summary, files.env, files.path]) fs.writeFileSync(f, '');
  if (!fs.existsSync(files.event)) fs.writeFileSync(files.event, JSON.stringify({ inputs: {} }));

  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_')) env[k] = v;
  }
  const defaults = actionDefaults(path.join(repoRoot, 'action.yml'), { token: options.env?.GITHUB_TOKEN });
  for (const [name, value] of Object.entries({ ...defaults, ...options.inputs }))
    env[inputEnvName(name)] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: repoRoot,
    GITHUB_REPOSITORY: 'upcommerce/storefront',
    GITHUB_REPOSITORY_OWNER: 'upcommerce',
    GITHUB_SHA: crypto.createHash('sha1').update(workDir).digest('hex'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'canary',
    GITHUB_WORKFLOW: 'sandbox demo',
    GITHUB_ACTION: 'canary',
    GITHUB_ACTOR: 'sandbox',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'sandbox',
    ...options.env
  });

  const startedAt = Date.now();
  // TypeScript entries (development of the sandbox before dist/ exists) run through tsx.
  const argv = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, argv, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.openSync(files.log, 'w');
  let stdout = '';
  let pending = '';
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    stdout += text;
    fs.writeSync(log, text);
    pending += text;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      options.onLine?.(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const timers: NodeJS.Timeout[] = [];
  let cancelledAt: number | undefined;
  const cancel = (): void => {
    if (cancelledAt || child.exitCode !== null) return;
    cancelledAt = Date.now();
    child.kill('SIGINT');
    timers.push(setTimeout(() => child.kill('SIGTERM'), 7500));
    timers.push(setTimeout(() => child.kill('SIGKILL'), 10000));
  };
  if (options.timeoutMs) timers.push(setTimeout(cancel, options.timeoutMs));
  if (options.cancel?.afterMs !== undefined) timers.push(setTimeout(cancel, options.cancel.afterMs));

  const done = new Promise<RunResult>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (pending) options.onLine?.(pending);
      fs.closeSync(log);
      resolve({
        code,
        signal,
        startedAt,
        endedAt: Date.now(),
        cancelledAt,
        stdout,
        outputs: parseCommandFile(files.output),
        state: parseCommandFile(files.state),
        files,
        runnerTemp
      });
    });
  });
  return { child, cancel, kill: (sig: NodeJS.Signals = 'SIGKILL') => child.kill(sig), done };
}
