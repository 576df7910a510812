// Pure argv builders for every helm command the adapter runs, so tests can assert the exact argv.
// Helm 3 and Helm 4 differ in how an upgrade is made all-or-nothing and how it waits:
//   Helm 3: --atomic --wait            (--atomic rolls back / uninstalls a failed upgrade / install)
//   Helm 4: --rollback-on-failure --wait=watcher   (--atomic is gone; --wait takes a strategy and
//           must be written `--wait=watcher`, since `--wait watcher` would read `watcher` as an argument)
import type { RolloutSpec } from '../config/spec.js';
import type { HelmInfo, HelmValue } from './types.js';
import { routingChartValues } from '../routing/index.js';
import { escapeSetValue } from './set-syntax.js';

export type HelmMajor = HelmInfo['major'];

export const versionArgs = (): string[] => ['version', '--template', '{{.Version}}'];
export const versionShortArgs = (): string[] => ['version', '--short'];

/** Parse `v4.1.4`, `v3.17.3+ge4da497` or an old `version.BuildInfo{Version:"v3.x.y",...}`. */
export function parseHelmVersion(output: string): HelmInfo | undefined {
  const match = /v?(\d+)\.(\d+)\.(\d+)[^\s",}]*/.exec(output);
  if (!match) return undefined;
  const major = Number(match[1]);
  if (major !== 3 && major !== 4) return undefined;
  return { major, version: match[0].startsWith('v') ? match[0] : `v${match[0]}` };
}

function waitArgs(major: HelmMajor, timeoutSeconds: number): string[] {
  const timeout = ['--timeout', `${timeoutSeconds}s`];
  return major === 4
    ? ['--rollback-on-failure', '--wait=watcher', ...timeout]
    : ['--atomic', '--wait', ...timeout];
}

function chartArgs(spec: RolloutSpec): string[] {
  return spec.chartVersion ? ['--version', spec.chartVersion] : [];
}

function valueFlags(values: HelmValue[]): string[] {
  return values.flatMap((v) => [v.string ? '--set-string' : '--set', `${v.key}=${v.value}`]);
}

/** The user's values files and `set` lines (verbatim: they are Helm syntax already). */
function userValueArgs(spec: RolloutSpec): string[] {
  return [
    ...spec.valuesFiles.flatMap((file) => ['-f', file]),
    ...spec.set.flatMap((s) => ['--set', `${s.key}=${s.value}`])
  ];
}

/** The new version, as a string: `--set image.tag=1.10` would be fine, but `true` or `1e3` would not. */
function versionValue(spec: RolloutSpec): HelmValue {
  return { key: spec.versionKey, value: escapeSetValue(spec.version), string: true };
}

function description(action: string): string[] {
  return ['--description', `canary-action: ${action}`];
}

/**
 * The canary's values: the user's files and sets, the new version and the routing values for
 * `weight`. Nothing of the action's own: the ownership marks live on a Lease beside the release
 * (src/kube/lease-marks.ts), so a strict values.schema.json sees only the chart's values. Exported so
 * tests can feed exactly these to `helm template`.
 */
export function canaryValueArgs(spec: RolloutSpec, weight: number): string[] {
  return [...userValueArgs(spec), ...valueFlags([versionValue(spec), ...routingChartValues(spec, weight)])];
}

/** Install or upgrade the canary release at `weight`: everything stable has, plus version and routing. */
export function canaryUpgradeArgs(
  spec: RolloutSpec,
  major: HelmMajor,
  weight: number,
  { install = true }: { install?: boolean } = {}
): string[] {
  return [
    'upgrade',
    // Only the first step installs: a later step on a canary that someone removed in the meantime
    // (a manual rollback from another run) must fail, not bring the canary back.
    ...(install ? ['--install'] : []),
    spec.canaryRelease,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    // A weight step changes routing values only: the chart's upgrade hooks (migrations) must not run again.
    ...(install ? [] : ['--no-hooks']),
    ...canaryValueArgs(spec, weight),
    ...description(`canary ${spec.version} at weight ${weight}`),
    ...waitArgs(major, spec.helmTimeoutSeconds)
  ];
}

/**
 * Create the canary release at `weight` (the deployer passes 0 and moves it up once its pods are
 * Ready). `helm install` fails when the name is taken, which makes it the lock: of two runs that
 * race, exactly one creates the release.
 */
export function canaryInstallArgs(spec: RolloutSpec, major: HelmMajor, weight: number): string[] {
  return [
    'install',
    spec.canaryRelease,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    ...canaryValueArgs(spec, weight),
    ...description(`canary ${spec.version} at weight ${weight}`),
    ...waitArgs(major, spec.helmTimeoutSeconds)
  ];
}

/**
 * Change only the weight of an existing canary, keeping every value it was installed with. Used on
 * removal, which must work from a later run (manual rollback, post step) that may not know the
 * canary's version or values.
 */
export function canaryReweightArgs(spec: RolloutSpec, major: HelmMajor, weight: number): string[] {
  return [
    'upgrade',
    spec.canaryRelease,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    '--reuse-values',
    '--no-hooks',
    ...valueFlags(routingChartValues(spec, weight)),
    ...description(`canary weight ${weight} before removal`),
    ...waitArgs(major, spec.helmTimeoutSeconds)
  ];
}

/** Upgrade stable to the new version (no canary values) and wait. */
export function promoteArgs(spec: RolloutSpec, major: HelmMajor): string[] {
  return [
    'upgrade',
    spec.release,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    ...userValueArgs(spec),
    ...valueFlags([versionValue(spec)]),
    '--description',
    `canary-action: promoted ${spec.version} from ${spec.canaryRelease}`,
    ...waitArgs(major, spec.helmTimeoutSeconds)
  ];
}

/**
 * A first release: install stable itself at the new version (the user's values, no canary values)
 * and wait. `helm install` fails when a live release of that name exists; `--replace` only re-uses
 * a name whose last revision is uninstalled (`--keep-history`) or failed. Its install hooks run, as on any first install.
 */
export function stableInstallArgs(spec: RolloutSpec, major: HelmMajor): string[] {
  return [
    'install',
    spec.release,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    '--replace',
    ...userValueArgs(spec),
    ...valueFlags([versionValue(spec)]),
    '--description',
    `canary-action: first release ${spec.version}, installed as stable`,
    ...waitArgs(major, spec.helmTimeoutSeconds)
  ];
}

/** Uninstall the canary; `--ignore-not-found` (Helm >= 3.13) makes a repeat a no-op. */
export function uninstallArgs(spec: RolloutSpec, major: HelmMajor): string[] {
  return [
    'uninstall',
    spec.canaryRelease,
    '--namespace',
    spec.namespace,
    '--ignore-not-found',
    major === 4 ? '--wait=watcher' : '--wait',
    '--timeout',
    `${spec.helmTimeoutSeconds}s`
  ];
}

/** Stable back to an earlier revision (a group undoes a promotion when a later member's failed). */
export function stableRollbackArgs(spec: RolloutSpec, major: HelmMajor, revision: number): string[] {
  return [
    'rollback',
    spec.release,
    String(revision),
    '--namespace',
    spec.namespace,
    major === 4 ? '--wait=watcher' : '--wait',
    '--timeout',
    `${spec.helmTimeoutSeconds}s`
  ];
}

export function statusArgs(release: string, namespace: string): string[] {
  return ['status', release, '--namespace', namespace, '-o', 'json'];
}

/** User-supplied values (`all: false`) or the computed values with chart defaults (`all: true`). */
export function getValuesArgs(release: string, namespace: string, all: boolean): string[] {
  return ['get', 'values', release, '--namespace', namespace, '-o', 'json', ...(all ? ['--all'] : [])];
}

export function getManifestArgs(release: string, namespace: string): string[] {
  return ['get', 'manifest', release, '--namespace', namespace];
}

/** The canary's install (or upgrade) at `weight` as a server-side dry run: Helm prints the release as JSON. */
export function canaryDryRunArgs(spec: RolloutSpec, weight: number): string[] {
  return [
    'upgrade',
    '--install',
    spec.canaryRelease,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    ...canaryValueArgs(spec, weight),
    '--dry-run=server',
    '-o',
    'json'
  ];
}

/** The canary's render at `weight`, client-side. */
export function canaryTemplateArgs(spec: RolloutSpec, weight: number): string[] {
  return [
    'template',
    spec.canaryRelease,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    ...canaryValueArgs(spec, weight)
  ];
}

/** The chart with the user's values and the version only, client-side: what the action adds is left out. */
export function userValuesTemplateArgs(spec: RolloutSpec): string[] {
  return [
    'template',
    spec.canaryRelease,
    spec.chart,
    '--namespace',
    spec.namespace,
    ...chartArgs(spec),
    ...userValueArgs(spec),
    ...valueFlags([versionValue(spec)])
  ];
}

/** The values keys the action itself sets on the canary at `weight`: its routing values (the marks live on a Lease). */
export function actionValueKeys(spec: RolloutSpec, weight: number): string[] {
  return routingChartValues(spec, weight).map((v) => v.key);
}
