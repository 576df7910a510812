// One long-running child process of the sandbox (etcd, an API server, Traefik...): argv array, output to a
// log file in the state dir, and a stop that sends SIGTERM, waits, then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export class ManagedProcess {
  private exited = false;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly spec: ProcessSpec,
    private readonly child: ChildProcess
  ) {
    this.exitPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      })
    );
  }

  /**
   * Starts the process under `setpriv --pdeathsig KILL`, so the kernel kills it if this Node process dies
   * without stopping it (a crash or SIGKILL): no orphaned etcd or API server is left on the machine.
   */
  static start(spec: ProcessSpec): ManagedProcess {
    const log = openSync(spec.logFile, 'w');
    try {
      const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args], {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio: ['ignore', log, log]
      });
      child.on('error', () => undefined); // reported through the exit below (setpriv or the command missing)
      return new ManagedProcess(spec, child);
    } finally {
      closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** "exited with code 1" / "killed by SIGSEGV", and the last lines of its log, for error messages. */
  describeExit(): string {
    const how = this.exitSignal ? `killed by ${this.exitSignal}` : `exited with code ${this.exitCode}`;
    return `${this.spec.name} ${how}; last lines of ${this.spec.logFile}:\n${this.logTail(15)}`;
  }

  logTail(lines: number): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}
