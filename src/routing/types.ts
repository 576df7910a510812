// TrafficRouter port: how the canary's share of traffic is set, whatever carries it (chart values on
// the canary release, or an API object the action edits). The engine and the outcome module see only
// this interface; each preset is one file in this folder, like Flagger's routers.
import type { RoutingPreset } from '../config/spec.js';
import type { CanaryState } from '../deploy/types.js';
import type { ManifestObject } from '../preflight/manifest.js';
import type { PreflightErrorCode } from '../preflight/types.js';

/** Where the weight lives, and the weight the cluster shows there. */
export interface RouteDescription {
  preset: RoutingPreset;
  /** What carries the weight, for logs and the summary, e.g. "chart values of storefront-canary". */
  target: string;
  /** The canary's weight as read back; undefined when it could not be read. */
  weight?: number;
}

export interface TrafficRouter {
  readonly preset: RoutingPreset;
  /**
   * True when setWeight writes the ownership marks with the weight (a Helm upgrade of the canary
   * release). A router that writes only its own object leaves the marks alone: the engine writes them
   * itself where they change (a pause), and the lease is taken for the whole rollout.
   */
  readonly carriesMarks: boolean;
  /**
   * Called once the canary release was just installed at `weight`: a router that edits an API object
   * finds it and gives the canary its share; a chart-values router has nothing left to do.
   */
  prepare(weight: number): Promise<void>;
  /** Move the canary to `weight`. `marks` are the ownership marks that travel with a Helm write. */
  setWeight(weight: number, marks?: Record<string, string>): Promise<void>;
  /** Take all traffic off the canary before its release is uninstalled. Safe to repeat. */
  remove(): Promise<void>;
  /**
   * Called before stable's upgrade (the promotion). A router that edits one of stable's objects puts
   * it back as rendered and hands it to Helm, so that Helm 4's server-side apply does not conflict
   * with the edit; a chart-values router has nothing to do. Safe to repeat.
   */
  beforePromotion(): Promise<void>;
  /** Where the weight lives and the weight read back; `canary` is the release as just read. */
  describe(canary: CanaryState): Promise<RouteDescription>;
  /**
   * Before anything changes: proves that moving the weight will move traffic (reads only). A router
   * without it is shown as "not checked" in the preflight table.
   */
  preflight?(probe: RoutingProbe): Promise<RoutingPreflight>;
}

/** What the preflight hands a router to check it against. */
export interface RoutingProbe {
  /** The first step's weight. */
  weight: number;
  /** False on a first release: it is installed as stable, so there is nothing to split yet. */
  stableExists: boolean;
  /** The canary release's objects rendered at `weight` (a dry run: nothing is written). */
  renderCanary(weight: number): Promise<ManifestObject[]>;
}

/** A router's preflight verdict; `ok: false` stops the run with `detail` (which says what to do). */
export interface RoutingPreflight {
  ok: boolean;
  detail: string;
  /** The named error when not ok; `routing-has-no-effect` unless the router says otherwise. */
  code?: PreflightErrorCode;
}

/** What a router that carries the weight in chart values needs from the canary release (Helm). */
export interface CanaryChart {
  /** Upgrade the canary release with the routing values for `weight`, keeping its version. */
  setWeight(weight: number, marks?: Record<string, string>): Promise<void>;
  /** The routing values at 0 on the canary release before it is uninstalled; logs, never throws. */
  zeroWeight(): Promise<void>;
}
