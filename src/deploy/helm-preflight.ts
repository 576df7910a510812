// The preflight's Helm port on the Helm CLI: renders and dry runs of the canary, and stable as Helm
// shows it. Every command here only reads, in dry-run mode too (that is the point of a dry run).
import type { RolloutSpec } from '../config/spec.js';
import type { PreflightHelm } from '../preflight/types.js';
import type { CommandRunner } from './command-runner.js';
import {
  actionValueKeys,
  canaryDryRunArgs,
  canaryTemplateArgs,
  getManifestArgs,
  userValuesTemplateArgs
} from './helm-args.js';
import { HelmError, displayCommand, isReleaseNotFound } from './helm-error.js';
import type { ReleaseState } from './types.js';
import { errorMessage } from '../error-message.js';

export class HelmPreflight implements PreflightHelm {
  constructor(
    private readonly spec: RolloutSpec,
    private readonly run: CommandRunner,
    /** Stable's state, read by the deployer (the same reads every command makes). */
    private readonly readStable: () => Promise<ReleaseState>,
    private readonly log: (line: string) => void,
    private readonly helmPath = 'helm'
  ) {}

  async renderCanary(weight: number): Promise<string> {
    const stdout = await this.read(canaryDryRunArgs(this.spec, weight));
    let release: { manifest?: unknown; hooks?: Array<{ manifest?: unknown }> };
    try {
      release = JSON.parse(stdout) as typeof release;
    } catch {
      throw new Error(
        `\`helm upgrade --dry-run=server -o json\` did not print JSON: ${stdout.slice(0, 200) || '(empty)'}`
      );
    }
    const hooks = (release.hooks ?? []).map((h) => (typeof h.manifest === 'string' ? h.manifest : ''));
    return [typeof release.manifest === 'string' ? release.manifest : '', ...hooks].join('\n---\n');
  }

  templateCanary(weight: number): Promise<string> {
    return this.read(canaryTemplateArgs(this.spec, weight));
  }

  async templateUserValues(): Promise<string> {
    return this.read(userValuesTemplateArgs(this.spec));
  }

  actionValueKeys(weight: number): string[] {
    return actionValueKeys(this.spec, weight);
  }

  stableState(): Promise<ReleaseState> {
    return this.readStable();
  }

  async stableManifest(): Promise<string | undefined> {
    const args = getManifestArgs(this.spec.release, this.spec.namespace);
    const result = await this.exec(args);
    if (result.exitCode === 0) return result.stdout;
    if (isReleaseNotFound(result.stderr)) return undefined;
    throw new HelmError(displayCommand(this.helmPath, args), result.exitCode, result.stderr);
  }

  private async read(args: string[]): Promise<string> {
    const result = await this.exec(args);
    if (result.exitCode !== 0)
      throw new HelmError(displayCommand(this.helmPath, args), result.exitCode, result.stderr);
    return result.stdout;
  }

  private async exec(args: string[]) {
    this.log(`[preflight] ${displayCommand(this.helmPath, args)}`);
    try {
      return await this.run(this.helmPath, args);
    } catch (error) {
      throw new Error(
        `could not run \`${this.helmPath}\` (is Helm installed and on PATH?): ${errorMessage(error)}`
      );
    }
  }
}
