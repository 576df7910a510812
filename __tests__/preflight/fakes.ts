// Fakes for the preflight's ports (unit tests of one module): a Prometheus answering from a table of
// queries, Helm renders given as manifests, and a cluster with a fixed list of cluster-scoped kinds.
import type { ReleaseState } from '../../src/deploy/types.js';
import type { CounterSeries, MetricsProvider } from '../../src/metrics/types.js';
import type { PreflightCluster, PreflightHelm } from '../../src/preflight/types.js';

export const NOW_MS = Date.UTC(2026, 11, 1, 12, 0, 0);

/** Answers each query from `now` (at NOW_MS) or `earlier` (any other time); unknown queries: no series. */
export class TablePrometheus implements MetricsProvider {
  queries: Array<{ promql: string; time?: number }> = [];
  constructor(
    private readonly now: Record<string, CounterSeries[]>,
    private readonly earlier: Record<string, CounterSeries[]> = {}
  ) {}
  async query(promql: string, time?: number): Promise<CounterSeries[]> {
    this.queries.push({ promql, time });
    const table = time === undefined || time === NOW_MS / 1000 ? this.now : this.earlier;
    return table[promql] ?? [];
  }
}

export function series(labels: Record<string, string>, value: number): CounterSeries {
  return { labels, value };
}

/** A manifest of the objects given as [kind, name, namespace?, extra spec]. */
export function manifest(...objects: Array<[string, string, string?, Record<string, unknown>?]>): string {
  return objects
    .map(([kind, name, namespace, spec]) =>
      [
        `apiVersion: v1`,
        `kind: ${kind}`,
        'metadata:',
        `  name: ${name}`,
        ...(namespace ? [`  namespace: ${namespace}`] : []),
        ...(spec ? [`spec: ${JSON.stringify(spec)}`] : [])
      ].join('\n')
    )
    .join('\n---\n');
}

export class FakeHelm implements PreflightHelm {
  stable: ReleaseState = { exists: true, status: 'deployed', revision: 3, version: '1.0.0' };
  stableObjects = manifest(['Service', 'storefront'], ['Deployment', 'storefront']);
  /** The canary's render by weight; a function may throw like Helm. */
  render: (weight: number) => string = (weight) =>
    manifest(['Service', 'storefront-canary'], ['Ingress', 'storefront-canary', undefined, { weight }]);
  template?: (weight: number) => string;
  userValues: () => string = () => '';
  renders: number[] = [];
  async renderCanary(weight: number): Promise<string> {
    this.renders.push(weight);
    return this.render(weight);
  }
  async templateCanary(weight: number): Promise<string> {
    return (this.template ?? this.render)(weight);
  }
  async templateUserValues(): Promise<string> {
    return this.userValues();
  }
  actionValueKeys(): string[] {
    return ['canary.enabled', 'canary.weight', 'canaryAction.weight', 'canaryAction.version'];
  }
  async stableState(): Promise<ReleaseState> {
    return this.stable;
  }
  async stableManifest(): Promise<string | undefined> {
    return this.stable.exists ? this.stableObjects : undefined;
  }
}

export class FakeCluster implements PreflightCluster {
  constructor(private readonly kinds: string[] = ['ClusterRole', 'Namespace']) {}
  async clusterScopedKinds(): Promise<ReadonlySet<string>> {
    return new Set(this.kinds);
  }
}
