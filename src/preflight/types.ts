// The preflight's ports and its result. The preflight reads the cluster (through Helm and kubectl
// adapters) and Prometheus before anything changes; it never writes. Its result says what it found,
// line by line, and which named errors stop the run.
import type { AnalysisSpec } from '../config/spec.js';
import type { ReleaseState } from '../deploy/types.js';
import type { MetricsProvider } from '../metrics/types.js';
import type { QueryArm } from '../metrics/promql.js';
import type { TrafficRouter } from '../routing/types.js';

/** What the preflight asks of Helm. Every method only reads: renders and dry runs change nothing. */
export interface PreflightHelm {
  /**
   * The canary release rendered at `weight` by a server-side dry run (`helm upgrade --install
   * --dry-run=server`): the cluster's API versions, lookups, OpenAPI validation and Helm's check for
   * objects another release owns. Resolves with the manifest (hooks included); rejects with Helm's error.
   */
  renderCanary(weight: number): Promise<string>;
  /** The same chart rendered client-side (`helm template`) with the canary values at `weight`. */
  templateCanary(weight: number): Promise<string>;
  /** The chart rendered client-side with the user's values and the version only: no routing values, no marks. */
  templateUserValues(): Promise<string>;
  /** The values keys the action itself sets on the canary (routing values, marks), e.g. `canaryAction.weight`. */
  actionValueKeys(weight: number): string[];
  stableState(): Promise<ReleaseState>;
  /** `helm get manifest` of stable; undefined when stable is not installed. */
  stableManifest(): Promise<string | undefined>;
}

/** What the preflight asks of the Kubernetes API. */
export interface PreflightCluster {
  /** Kinds the API server serves without a namespace (ClusterRole, Namespace, ...). */
  clusterScopedKinds(): Promise<ReadonlySet<string>>;
}

export interface PreflightDeps {
  helm: PreflightHelm;
  cluster: PreflightCluster;
  metrics: MetricsProvider;
  router: TrafficRouter;
  /** Stable's values for the arm placeholders (`{{pods}}`, `{{service}}`...), the same the sampler uses. */
  stableArm?: () => Promise<Partial<QueryArm>>;
  /** Milliseconds since the epoch (the Clock port's now). */
  now(): number;
}

/** The named errors: each says what is wrong and what to do. */
export type PreflightErrorCode =
  | 'chart-does-not-render'
  | 'schema-rejects-action-values'
  | 'release-objects-collide'
  | 'cluster-scoped-object-shared'
  | 'stable-not-deployed'
  | 'routing-has-no-effect'
  | 'routing-competing-route'
  | 'no-stable-traffic'
  | 'status-label-missing'
  | 'histogram-has-no-buckets'
  | 'metric-has-no-data'
  | 'no-metric-left'
  | 'preflight-read-failed';

export class PreflightError extends Error {
  constructor(
    readonly code: PreflightErrorCode,
    message: string
  ) {
    super(message);
    this.name = 'PreflightError';
  }
}

export type PreflightStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One row of the preflight table. */
export interface PreflightLine {
  /** render, routing, collisions, stable, metrics */
  check: string;
  /** What was checked, e.g. `error-rate` or `storefront-canary`. */
  subject: string;
  status: PreflightStatus;
  detail: string;
  code?: PreflightErrorCode;
}

/** Stable as Helm shows it; a first release (no stable) is not an error of the preflight's. */
export interface StableFinding {
  exists: boolean;
  /** Helm's status, e.g. deployed, failed, pending-upgrade. */
  status?: string;
  deployed: boolean;
  version?: string;
}

export interface PreflightResult {
  /** True when no check found an error: the run may change the cluster. */
  ok: boolean;
  lines: PreflightLine[];
  errors: PreflightError[];
  /** The stable release: the first-release decision (`installed`) reads `stable.exists`. */
  stable: StableFinding;
  /** The analysis to judge with: the spec's, less the default metrics that cannot have data. */
  analysis: AnalysisSpec;
  /** Default metrics dropped (with a warning line each). */
  droppedMetrics: string[];
}
