// RolloutSpec: the one validated description of a rollout. Everything in src/config produces it;
// everything else only reads it. Durations are in seconds, fractions in 0..1, latencies in ms.

export type RoutingPreset = 'ingress-nginx' | 'gateway-api' | 'istio' | 'replicas' | 'values';
/** Where the built-in metrics come from (src/metrics-source). */
export type MetricsSourceName = 'app' | 'ingress-nginx' | 'istio' | 'traefik';
export type JudgeName = 'sequential' | 'threshold';
export type Command = 'deploy' | 'promote' | 'rollback' | 'status';
export type DecisionMode = 'auto' | 'manual' | 'hybrid';
export type NoDataPolicy = 'fail' | 'pass';
/** decision: manual pauses after every passed step, or only before the final step. */
export type ManualGate = 'every-step' | 'before-final';
/** No stable release yet: `install` the chart directly as stable, or `refuse` the run. */
export type FirstReleasePolicy = 'install' | 'refuse';

/**
 * One metric, queried identically for both arms. Queries are PromQL selectors of RAW counters
 * (never rate()/increase()); `{{release}}` and `{{namespace}}` are replaced, escaped, per arm.
 */
export type MetricSpec = ErrorsMetricSpec | LatencyMetricSpec | RatioMetricSpec;

interface MetricSpecBase {
  /** Short id, e.g. `error-rate`; unique within the spec. */
  name: string;
  /** Human label for reports, e.g. `5xx rate`. */
  title: string;
  /** This metric's share of the overall alpha; the shares sum to `analysis.alpha`. */
  alpha?: number;
  /**
   * The user wrote or changed this metric (a `metrics:` entry, or the `names:` it is built from). The
   * preflight drops a default metric that cannot have data, with a warning; a configured one is an error.
   */
  configured?: boolean;
}

/** "Bad events out of events": 5xx over requests, failed checkouts over checkouts. */
export interface ErrorsMetricSpec extends MetricSpecBase {
  kind: 'errors';
  bad: string;
  total: string;
  /** Static guard on the canary alone: roll back when its bad/total exceeds this fraction. */
  max?: number;
}

/** Latency from a Prometheus histogram (`..._bucket` series with an `le` label). */
export interface LatencyMetricSpec extends MetricSpecBase {
  kind: 'latency';
  buckets: string;
  /** Quantile the guard applies to, e.g. 0.95. */
  quantile: number;
  /** Static guard: roll back when the canary's quantile exceeds this many milliseconds. */
  maxMs?: number;
  /** Unit of the histogram's `le` bounds; absent means seconds (the Prometheus convention). */
  bucketUnit?: 'seconds' | 'milliseconds';
}

/** A business ratio where lower is worse, e.g. conversion = checkouts / sessions. */
export interface RatioMetricSpec extends MetricSpecBase {
  kind: 'ratio';
  numerator: string;
  denominator: string;
  /** Static guard: roll back when the canary's ratio falls below this fraction. */
  min?: number;
  /** Relative drop tolerated against stable: 0.1 means canary >= 90% of stable is fine. */
  margin: number;
}

export interface AnalysisSpec {
  /** Traffic counter for each arm (requests), used for sample sizes and the sample-ratio check. */
  requests: string;
  metrics: MetricSpec[];
  /** Overall false-rollback rate, split across metrics. Default 0.05. */
  alpha: number;
  /** Canary requests a step must see before it may pass. */
  minCanaryRequests: number;
  /** How long a step may extend its soak waiting for the minimum sample, in seconds. */
  maxExtraSoakSeconds: number;
  noData: NoDataPolicy;
  /** Consecutive failed Prometheus queries tolerated before the rollout fails and rolls back. */
  maxMetricFailures: number;
  /**
   * Stricter pass (sequential judge): a step passes only when every confidence sequence (ratio
   * metrics) excludes a drop larger than its margin. Default off.
   */
  strictPass?: boolean;
}

export interface RolloutSpec {
  command: Command;
  release: string;
  canaryRelease: string;
  /** Absolute path for a local chart, else `repo/chart`, `oci://...` or a URL. '' for rollback/status when not given. */
  chart: string;
  chartVersion?: string;
  namespace: string;
  /** The kubeconfig context every Helm and kubectl call uses; the kubeconfig's current one when unset. */
  kubeContext?: string;
  valuesFiles: string[];
  /** `key=value` pairs from the `set` input, in order. */
  set: Array<{ key: string; value: string }>;
  /** The new version. '' for promote/rollback/status when not given: read it back from the canary. */
  version: string;
  versionKey: string;

  steps: number[];
  soakSeconds: number;
  intervalSeconds: number;
  routing: RoutingPreset;
  /** For routing `gateway-api` / `istio`: the HTTPRoute / VirtualService to edit; undefined = the one that references stable's Service. */
  route?: string;
  /**
   * ingress-nginx only, set by the wiring from the chart's default values: `chart` when the chart
   * exposes `ingress.annotations` (the canary release's own Ingress carries the canary annotations),
   * `action` when it does not (the action creates and owns the canary Ingress); undefined when the chart
   * is not known (commands without `chart`).
   */
  canaryIngress?: 'chart' | 'action';
  /** With `canaryIngress: action`: the chart has `ingress.enabled`, set false on the canary release. */
  canaryIngressSwitch?: boolean;
  /** gateway-api/istio: the chart's switches set false on the canary release (its own route off). */
  canaryRouteSwitches?: string[];
  /** For routing `values`: `key={{weight}}` templates. */
  weightValues: Array<{ key: string; value: string }>;

  /**
   * Where the built-in metrics come from (the `metrics-source` input or analysis key): the app's own
   * metrics, or a data plane's (ingress-nginx, istio, traefik). Default app.
   */
  metricsSource?: MetricsSourceName;
  /** url is '' for promote/rollback/status when not given (they query no metrics). */
  prometheus: { url: string; headers: Record<string, string>; timeoutSeconds: number };
  analysis: AnalysisSpec;
  judge: JudgeName;
  decision: DecisionMode;
  manualGate: ManualGate;

  helmTimeoutSeconds: number;
  dryRun: boolean;
  replace: boolean;
  firstRelease: FirstReleasePolicy;
  githubToken?: string;
  /** Check run name, unique per release; default `canary / <release>`. */
  checkName: string;
  /** Alert targets (secrets). */
  slackWebhookUrl?: string;
  webhookUrl?: string;
  /** Where the JSON rollout record is written. */
  reportPath: string;
}

/** One release of a release group (the `group` input, src/config/group.ts). */
export interface GroupMember {
  spec: RolloutSpec;
  /** The releases of the group this one waits for. */
  after: string[];
  /** The longest `after:` chain to it: 0 for a release that waits for none. */
  depth: number;
}

export interface ReleaseGroup {
  /** The file as the `group` input gives it. */
  file: string;
  /** The group's false-rollback bound; each member's judge gets alpha / members. */
  alpha: number;
  /** In dependency order: by depth, then as listed (backends first). */
  members: GroupMember[];
  /** The group's record (the `report` output). */
  reportPath: string;
  checkName: string;
}
