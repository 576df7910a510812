// HelmDeployer: the Deployer port on the Helm CLI (Helm 3 or 4, detected). Stable is only ever
// touched by promoteStable(); everything else acts on the canary release.
import type { RolloutSpec } from '../config/spec.js';
import type { CanaryState, Deployer, HelmInfo, ReleaseState } from './types.js';
import type { CommandRunner } from './command-runner.js';
import {
  canaryInstallArgs,
  canaryReweightArgs,
  canaryUpgradeArgs,
  getManifestArgs,
  getValuesArgs,
  parseHelmVersion,
  promoteArgs,
  stableRollbackArgs,
  stableInstallArgs,
  statusArgs,
  uninstallArgs,
  versionArgs,
  versionShortArgs
} from './helm-args.js';
import { HelmError, displayCommand, isReleaseNotFound } from './helm-error.js';
import { readValuesPath } from './set-syntax.js';
import { armObjectsInManifest, objectsInManifest, servicesInManifest } from './manifest.js';
import type { RenderedObject } from '../routing/kube.js';
import type { ManifestObject } from '../metrics-source/arm-names.js';
import { errorMessage as message } from '../error-message.js';

/** Release states in which Helm refuses an upgrade because another operation holds the release. */
const PENDING = /^pending-/;

export class HelmDeployer implements Deployer {
  private info?: HelmInfo;

  constructor(
    private readonly spec: RolloutSpec,
    private readonly run: CommandRunner,
    private readonly log: (line: string) => void,
    private readonly helmPath = 'helm'
  ) {}

  async detect(): Promise<HelmInfo> {
    if (this.info) return this.info;
    // Read-only and needed to build every other command, so it runs even in dry-run mode.
    let outputs = '';
    for (const args of [versionArgs(), versionShortArgs()]) {
      const result = await this.exec(args);
      outputs += `${result.stdout}\n${result.stderr}\n`;
      const info = result.exitCode === 0 ? parseHelmVersion(result.stdout) : undefined;
      if (info) {
        this.info = info;
        return info;
      }
    }
    throw new Error(
      `could not detect the Helm version from \`${this.helmPath} version\`: expected Helm 3 or 4, got: ${outputs.trim() || '(no output)'}`
    );
  }

  async stableVersion(): Promise<string | undefined> {
    const values = await this.readJson(getValuesArgs(this.spec.release, this.spec.namespace, true));
    if (values === undefined) return undefined;
    return scalarString(readValuesPath(values, this.spec.versionKey));
  }

  async installCanary(weight: number): Promise<void> {
    const { major } = await this.detect();
    this.require('chart', 'install the canary');
    this.require('version', 'install the canary');
    // The canary takes traffic only once its pods are Ready: it is installed at weight 0 (Helm waits
    // for readiness), then moved to `weight`. Installed straight at `weight`, a gateway-api canary's
    // HTTPRoute would send that share to a Service without ready endpoints, and the gateway would
    // answer it 503 where neither arm's metrics can see it (found on the sandbox's real Traefik).
    await this.mutate(canaryInstallArgs(this.spec, major, 0));
    if (weight > 0) await this.mutate(canaryUpgradeArgs(this.spec, major, weight, { install: false }));
  }

  async setWeight(weight: number): Promise<void> {
    const { major } = await this.detect();
    this.require('chart', 'change the canary weight');
    this.require('version', 'change the canary weight');
    await this.mutate(canaryUpgradeArgs(this.spec, major, weight, { install: false }));
  }

  async installStable(): Promise<void> {
    const { major } = await this.detect();
    this.require('chart', `install ${this.spec.release}`);
    this.require('version', `install ${this.spec.release}`);
    await this.mutate(stableInstallArgs(this.spec, major));
  }

  async promoteStable(): Promise<void> {
    const { major } = await this.detect();
    this.require('chart', `promote ${this.spec.release}`);
    let spec = this.spec;
    if (!spec.version) {
      // A manual `command: promote` may leave `version` out: promote what the canary runs.
      const version = (await this.canaryState()).version;
      if (!version && !spec.dryRun) {
        throw new Error(
          `input \`version\` is empty and ${spec.canaryRelease} carries no version under ${spec.versionKey}: nothing to promote`
        );
      }
      spec = { ...spec, version: version ?? '<canary version>' };
    }
    await this.mutate(promoteArgs(spec, major));
  }

  async rollbackStable(revision: number): Promise<void> {
    const { major } = await this.detect();
    await this.mutate(stableRollbackArgs(this.spec, major, revision));
  }

  async zeroWeight(): Promise<void> {
    const { major } = await this.detect();
    if (this.spec.dryRun) {
      this.say(canaryReweightArgs(this.spec, major, 0), true);
      return;
    }
    const state = await this.canaryState();
    if (!state.exists) return;
    if (!this.spec.chart) {
      // An upgrade needs the chart; a rollback run that was not given one goes straight to uninstall.
      this.log(
        `input \`chart\` not given: skipping weight 0 on ${this.spec.canaryRelease}, uninstalling it directly`
      );
    } else if (PENDING.test(state.status ?? '')) {
      this.log(
        `${this.spec.canaryRelease} is ${state.status}; skipping weight 0 (Helm would refuse the upgrade)`
      );
    } else {
      // Take traffic away before deleting pods, so no request lands on a terminating canary.
      try {
        await this.mutate(canaryReweightArgs(this.spec, major, 0));
      } catch (error) {
        // Uninstalling removes the canary's routing too; a failed weight change must not block it.
        this.log(
          `warning: could not set ${this.spec.canaryRelease} to weight 0, uninstalling anyway: ${message(error)}`
        );
      }
    }
  }

  async removeCanary(): Promise<void> {
    const { major } = await this.detect();
    if (this.spec.dryRun) {
      this.say(uninstallArgs(this.spec, major), true);
      return;
    }
    const result = await this.exec(uninstallArgs(this.spec, major));
    // --ignore-not-found covers a missing release; the check below covers Helms that word it differently.
    if (result.exitCode !== 0 && !isReleaseNotFound(result.stderr)) {
      throw new HelmError(
        displayCommand(this.helmPath, uninstallArgs(this.spec, major)),
        result.exitCode,
        result.stderr
      );
    }
  }

  async canaryState(): Promise<CanaryState> {
    const { canaryRelease, namespace } = this.spec;
    const status = await this.readJson(statusArgs(canaryRelease, namespace));
    if (status === undefined) return { exists: false };
    const info = (status as { info?: Record<string, unknown> }).info ?? {};
    const helmStatus = scalarString(info.status);
    if (helmStatus === 'uninstalled') return { exists: false, status: helmStatus };
    const revision = revisionOf(status);

    const values = (await this.readJson(getValuesArgs(canaryRelease, namespace, false))) ?? {};
    return {
      exists: true,
      status: helmStatus,
      revision,
      installedAt: scalarString(info.first_deployed),
      version: scalarString(readValuesPath(values, this.spec.versionKey)),
      weight: weightInValues(this.spec, values)
    };
  }

  /** The Services the release renders; none when it does not exist (or in dry-run). */
  async services(release: string): Promise<string[]> {
    return servicesInManifest(await this.manifest(release));
  }

  /** The objects the release renders; none when it does not exist (or in dry-run). */
  async renderedObjects(release: string): Promise<RenderedObject[]> {
    return objectsInManifest(await this.manifest(release));
  }

  private async manifest(release: string): Promise<string> {
    const args = getManifestArgs(release, this.spec.namespace);
    if (this.spec.dryRun) {
      this.say(args, true);
      return '';
    }
    const result = await this.exec(args);
    if (result.exitCode !== 0) {
      if (isReleaseNotFound(result.stderr)) return '';
      throw new HelmError(displayCommand(this.helmPath, args), result.exitCode, result.stderr);
    }
    return result.stdout;
  }

  /** The objects the release renders (kind, name, an Ingress's backends); none when it does not exist. */
  async manifestObjects(release: string): Promise<ManifestObject[]> {
    const args = getManifestArgs(release, this.spec.namespace);
    const result = await this.exec(args);
    if (result.exitCode !== 0) {
      if (isReleaseNotFound(result.stderr)) return [];
      throw new HelmError(displayCommand(this.helmPath, args), result.exitCode, result.stderr);
    }
    return armObjectsInManifest(result.stdout);
  }

  async stableState(): Promise<ReleaseState> {
    const { release, namespace } = this.spec;
    const status = await this.readJson(statusArgs(release, namespace));
    if (status === undefined) return { exists: false };
    const info = (status as { info?: Record<string, unknown> }).info ?? {};
    const values = (await this.readJson(getValuesArgs(release, namespace, true))) ?? {};
    return {
      exists: scalarString(info.status) !== 'uninstalled',
      status: scalarString(info.status),
      revision: revisionOf(status),
      version: scalarString(readValuesPath(values, this.spec.versionKey))
    };
  }

  private require(input: 'chart' | 'version', purpose: string): void {
    if (!this.spec[input]) throw new Error(`input \`${input}\` is required to ${purpose}`);
  }

  /** Run a read-only query returning JSON; undefined when the release does not exist (or in dry-run). */
  private async readJson(args: string[]): Promise<unknown> {
    if (this.spec.dryRun) {
      this.say(args, true);
      return undefined;
    }
    const result = await this.exec(args);
    if (result.exitCode !== 0) {
      if (isReleaseNotFound(result.stderr)) return undefined;
      throw new HelmError(displayCommand(this.helmPath, args), result.exitCode, result.stderr);
    }
    try {
      // `helm get values -o json` prints `null` for a release without user-supplied values.
      return JSON.parse(result.stdout) ?? {};
    } catch {
      throw new Error(
        `\`${displayCommand(this.helmPath, args)}\` did not print JSON: ${result.stdout.slice(0, 200) || '(empty)'}`
      );
    }
  }

  /** Run a command that changes the cluster; in dry-run mode only log it. */
  private async mutate(args: string[]): Promise<void> {
    if (this.spec.dryRun) {
      this.say(args, true);
      return;
    }
    const result = await this.exec(args);
    if (result.exitCode !== 0) {
      throw new HelmError(displayCommand(this.helmPath, args), result.exitCode, result.stderr);
    }
  }

  private async exec(args: string[]) {
    this.say(args, false);
    try {
      return await this.run(this.helmPath, args);
    } catch (error) {
      // The runner rejects only when the process cannot start at all (e.g. no helm on PATH).
      throw new Error(
        `could not run \`${this.helmPath}\` (is Helm installed and on PATH?): ${message(error)}`
      );
    }
  }

  private say(args: string[], dryRun: boolean): void {
    this.log(`${dryRun ? '[dry-run] ' : ''}${displayCommand(this.helmPath, args)}`);
  }
}

function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The weight the canary's chart values carry, read back from the release: `canary.weight` for the
 * presets on the storefront contract; for `routing: values`, the first `weight-values` template
 * whose value matches with a number where `{{weight}}` was. Undefined when none can be read.
 * A router that keeps the weight in an object (ingress-nginx's Ingress, a route) leaves these at the
 * install's weight: readCanary and the outcome's read-back take the weight from router.describe.
 */
function weightInValues(spec: RolloutSpec, values: unknown): number | undefined {
  const candidates =
    spec.routing === 'values'
      ? spec.weightValues.map(({ key, value }) => ({ key, template: value }))
      : [{ key: 'canary.weight', template: '{{weight}}' }];
  for (const { key, template } of candidates) {
    const value = scalarString(readValuesPath(values, key));
    if (value === undefined) continue;
    // The template is in --set syntax (`\,` for a comma); the stored value is not.
    const parts = template.split(/\{\{\s*weight\s*\}\}/).map((part) => part.replace(/\\(.)/g, '$1'));
    if (parts.length < 2) continue;
    const pattern = new RegExp(`^${parts.map(escapeRegExp).join('(\\d{1,3})')}$`);
    const match = pattern.exec(value);
    const weight = match ? Number(match[1]) : NaN;
    if (Number.isInteger(weight) && weight >= 0 && weight <= 100) return weight;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `helm status -o json` names the revision `version`. */
function revisionOf(status: unknown): number | undefined {
  const revision = Number((status as { version?: unknown }).version);
  return Number.isInteger(revision) && revision > 0 ? revision : undefined;
}
