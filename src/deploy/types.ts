// Deployer port: everything the engine asks of Helm. The Helm adapter builds argv from the spec.

/** One value for the helm command line. `value` is already in Helm's --set syntax. */
export interface HelmValue {
  key: string;
  value: string;
  /** Pass with --set-string (annotations must stay strings: "true", "25"). */
  string?: boolean;
}

export interface HelmInfo {
  major: 3 | 4;
  version: string;
}

/** A release as the cluster knows it, read back through Helm (never from the runner's disk). */
export interface ReleaseState {
  exists: boolean;
  /** Helm release status, e.g. `deployed`, `failed`, `pending-upgrade`. */
  status?: string;
  /** Helm revision number of the latest release record. */
  revision?: number;
  /** The value under the spec's version key (`image.tag` by default). */
  version?: string;
}

/** The canary as the cluster knows it, with the weight and the marks the action wrote. */
export interface CanaryState extends ReleaseState {
  weight?: number;
  /** ISO time the canary release was first installed. */
  installedAt?: string;
  /** The ownership marks (holder, lease, phase), read from the lease beside the release, not from Helm. */
  marks?: Record<string, string>;
}

export interface Deployer {
  detect(): Promise<HelmInfo>;
  /** Version the stable release runs now, if it can be read. */
  stableVersion(): Promise<string | undefined>;
  /**
   * Create the canary release at `weight`; fails when a release of that name exists, so two runs
   * that race for it cannot both succeed (`helm install`, never `upgrade --install`).
   */
  installCanary(weight: number): Promise<void>;
  /**
   * Upgrade the canary release with the routing values for `weight`. Only the chart-values routers
   * call it; a router that edits an API object moves the weight there.
   */
  setWeight(weight: number): Promise<void>;
  /**
   * A first release: install the stable release itself at the new version and wait (`helm install`,
   * which fails when a live release of that name exists).
   */
  installStable(): Promise<void>;
  /** The routing values at 0 on the canary release before its uninstall; logs a failure, never throws. */
  zeroWeight(): Promise<void>;
  /** Upgrade stable to the new version and wait. The canary is removed separately afterwards. */
  promoteStable(): Promise<void>;
  /** `helm rollback` of stable to `revision` and wait (a release group undoes an earlier member's promotion). */
  rollbackStable?(revision: number): Promise<void>;
  /** Uninstall the canary release (the router took its traffic away first). Never touches stable. Safe to repeat. */
  removeCanary(): Promise<void>;
  canaryState(): Promise<CanaryState>;
  /** The stable release's status, revision and version, read back. */
  stableState(): Promise<ReleaseState>;
}
