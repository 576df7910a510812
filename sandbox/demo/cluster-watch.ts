// What happens in the cluster while the demo runs, from Kubernetes watches (never from the sandbox's
// own bookkeeping):
//   events     Helm operations, from Helm's release Secrets: a new revision is an install (the first
//              one stored) or an upgrade; status `failed` is a failed operation; `uninstalling`, or the
//              last Secret deleted, is an uninstall. Each carries the revision's weight and image tag.
//   weightLog  the canary's weight as the routing objects say it: the ingress-nginx canary Ingress's
//              canary-weight annotation, or the canary backend's weight in its HTTPRoute; deleted = 0.
//              A route the action edits (routing: gateway-api) names the canary in its edit annotation;
//              the annotation gone (the route restored) = 0.
import { Watch, type KubeConfig, type V1Ingress, type V1Secret } from '@kubernetes/client-node';
import { decodeReleaseSecret } from './helm-releases.js';

export type HelmOp = 'install' | 'upgrade' | 'uninstall' | 'failed';

export interface ReleaseEvent {
  readonly at: string;
  readonly op: HelmOp;
  readonly release: string;
  readonly revision: number;
  readonly weight: number | null;
  readonly version: string | null;
  readonly error: string | null;
}

export interface WeightEntry {
  readonly at: string;
  /** The release whose canary object this is (its Helm release label). */
  readonly canaryRelease: string;
  readonly canaryWeight: number;
  readonly removed: boolean;
  readonly kind: 'Ingress' | 'HTTPRoute';
}

interface HttpRouteLike {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { rules?: Array<{ backendRefs?: Array<{ name?: string; weight?: number }> }> };
}

const CANARY_ANNOTATION = 'nginx.ingress.kubernetes.io/canary';
const WEIGHT_ANNOTATION = 'nginx.ingress.kubernetes.io/canary-weight';
const RELEASE_LABEL = 'app.kubernetes.io/instance';
/** The action's mark on a route it edits (src/routing/route-edit.ts). */
const EDIT_ANNOTATION = 'canary-action.dev/route-edit';

/** The canary release and Service the action's edit of a route names, if it carries one. */
function routeEdit(route: HttpRouteLike): { canaryRelease: string; canaryService: string } | undefined {
  const text = route.metadata?.annotations?.[EDIT_ANNOTATION];
  if (!text) return undefined;
  try {
    const edit = JSON.parse(text) as { canaryRelease?: unknown; canaryService?: unknown };
    if (typeof edit.canaryRelease === 'string' && typeof edit.canaryService === 'string')
      return { canaryRelease: edit.canaryRelease, canaryService: edit.canaryService };
  } catch {
    // not the action's: ignored like any other route
  }
  return undefined;
}

/** The canary's weight in an HTTPRoute: the weight of the backend named like the route, in the weighted rule. */
export function httpRouteWeight(route: HttpRouteLike): number | undefined {
  const name = route.metadata?.name;
  for (const rule of route.spec?.rules ?? []) {
    const refs = rule.backendRefs ?? [];
    if (refs.length < 2) continue;
    const canary = refs.find((r) => r.name === name);
    if (canary) return canary.weight ?? 1;
  }
  return undefined;
}

export class ClusterWatch {
  readonly events: ReleaseEvent[] = [];
  readonly weightLog: WeightEntry[] = [];
  private readonly liveRevisions = new Map<string, Set<number>>();
  private readonly uninstalling = new Set<string>();
  private readonly controllers: AbortController[] = [];
  private readonly weights = new Map<string, number>();
  /** Routes the action has edited, by name, with the canary release they carried. */
  private readonly editedRoutes = new Map<string, string>();
  private stopped = false;

  private constructor(
    private readonly kubeconfig: KubeConfig,
    private readonly namespace: string
  ) {}

  /** Starts the watches; resolves once each has listed what exists now. */
  static async start(kubeconfig: KubeConfig, namespace: string): Promise<ClusterWatch> {
    const watch = new ClusterWatch(kubeconfig, namespace);
    await Promise.all([
      watch.follow(`/api/v1/namespaces/${namespace}/secrets`, { labelSelector: 'owner=helm' }, (type, obj) =>
        watch.onSecret(type, obj as V1Secret)
      ),
      watch.follow(`/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`, {}, (type, obj) =>
        watch.onIngress(type, obj as V1Ingress)
      ),
      watch.follow(`/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes`, {}, (type, obj) =>
        watch.onHttpRoute(type, obj as HttpRouteLike)
      )
    ]);
    return watch;
  }

  stop(): void {
    this.stopped = true;
    for (const controller of this.controllers) controller.abort();
  }

  /** Watches `path` and restarts the watch when the API server ends it (it does, every few minutes). */
  private async follow(
    path: string,
    query: Record<string, string>,
    onObject: (type: string, obj: unknown) => void
  ): Promise<void> {
    const watcher = new Watch(this.kubeconfig);
    const begin = async (): Promise<void> => {
      const controller = await watcher.watch(path, query, onObject, () => {
        if (!this.stopped) setTimeout(() => void begin().catch(() => undefined), 200);
      });
      this.controllers.push(controller);
    };
    await begin();
  }

  private onSecret(type: string, secret: V1Secret): void {
    const revision = decodeReleaseSecret(secret);
    if (!revision) return;
    const name = revision.name;
    const live = this.liveRevisions.get(name) ?? new Set<number>();
    this.liveRevisions.set(name, live);
    const base = {
      at: new Date().toISOString(),
      release: name,
      revision: revision.version,
      weight: numberOrNull(revision.config.canary?.weight),
      version: revision.config.image?.tag ?? null
    };
    if (type === 'ADDED') {
      // A restarted watch lists what exists again: a revision seen before is no operation.
      if (live.has(revision.version)) return;
      const op: HelmOp = live.size === 0 ? 'install' : 'upgrade';
      live.add(revision.version);
      this.uninstalling.delete(name);
      this.events.push({ ...base, op, error: null });
    } else if (type === 'MODIFIED') {
      const status = revision.info.status;
      if (status === 'failed')
        this.events.push({ ...base, op: 'failed', error: revision.info.description ?? 'failed' });
      if (status === 'uninstalling' && !this.uninstalling.has(name)) {
        this.uninstalling.add(name);
        this.events.push({ ...base, op: 'uninstall', error: null });
      }
    } else if (type === 'DELETED') {
      live.delete(revision.version);
      if (live.size === 0 && !this.uninstalling.has(name))
        this.events.push({ ...base, op: 'uninstall', error: null });
      if (live.size === 0) this.uninstalling.delete(name);
    }
  }

  private onIngress(type: string, ingress: V1Ingress): void {
    const annotations = ingress.metadata?.annotations ?? {};
    if (annotations[CANARY_ANNOTATION] !== 'true') return;
    const release = ingress.metadata?.labels?.[RELEASE_LABEL] ?? ingress.metadata?.name ?? '';
    const weight = type === 'DELETED' ? 0 : Number(annotations[WEIGHT_ANNOTATION] ?? 0);
    this.logWeight(release, weight, type === 'DELETED', 'Ingress');
  }

  private onHttpRoute(type: string, route: HttpRouteLike): void {
    const name = route.metadata?.name ?? '';
    const edit = type === 'DELETED' ? undefined : routeEdit(route);
    if (edit) {
      const ref = route.spec?.rules
        ?.flatMap((r) => r.backendRefs ?? [])
        .find((r) => r.name === edit.canaryService);
      this.editedRoutes.set(name, edit.canaryRelease);
      this.logWeight(edit.canaryRelease, ref ? (ref.weight ?? 1) : 0, false, 'HTTPRoute');
      return;
    }
    const wasEdited = this.editedRoutes.get(name);
    if (wasEdited !== undefined) {
      // Restored (or deleted): the canary gets nothing through it any more.
      this.editedRoutes.delete(name);
      this.logWeight(wasEdited, 0, false, 'HTTPRoute');
      return;
    }
    const weight = httpRouteWeight(route);
    if (weight === undefined) return;
    const release = route.metadata?.labels?.[RELEASE_LABEL] ?? route.metadata?.name ?? '';
    this.logWeight(release, type === 'DELETED' ? 0 : weight, type === 'DELETED', 'HTTPRoute');
  }

  private logWeight(
    canaryRelease: string,
    canaryWeight: number,
    removed: boolean,
    kind: WeightEntry['kind']
  ): void {
    const key = `${kind}/${canaryRelease}`;
    if (!removed && this.weights.get(key) === canaryWeight) return;
    if (removed) this.weights.delete(key);
    else this.weights.set(key, canaryWeight);
    this.weightLog.push({ at: new Date().toISOString(), canaryRelease, canaryWeight, removed, kind });
  }
}

function numberOrNull(value: unknown): number | null {
  return value === undefined || value === null || value === '' ? null : Number(value);
}
