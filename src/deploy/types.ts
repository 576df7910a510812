// Deployer port: everything the engine asks of Helm. The Helm adapter builds argv from the spec.

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
  /** Values the action wrote to mark ownership (run id, lock, phase). */
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
  installCanary(weight: number, marks: Record<string, string>): Promise<void>;
  /** Change the canary's traffic weight (same release, new routing values). */
  setWeight(weight: number, marks?: Record<string, string>): Promise<void>;
  /** Upgrade stable to the new version and wait. The canary is removed separately afterwards. */
  promoteStable(): Promise<void>;
  /** Weight 0 first, then uninstall the canary release. Never touches stable. Safe to repeat. */
  removeCanary(): Promise<void>;
  canaryState(): Promise<CanaryState>;
  /** The stable release's status, revision and version, read back. */
  stableState(): Promise<ReleaseState>;
}
