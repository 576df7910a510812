// The MarksStore port on a coordination.k8s.io/v1 Lease named after the canary release
// (`<canary-release>.canary-action`), through the runner's kubectl. A Lease rather than a ConfigMap:
// it is Kubernetes' own object for "who holds this, until when" (`kubectl get lease` shows the
// HOLDER), it carries no application data, so the RBAC it needs touches nothing the app reads, and no
// chart renders one by that name. The marks are its annotations (`canary-action/<key>`); the holder
// and the lease's end are mirrored in its spec for people reading it with kubectl.
import { KubeConflictError } from '../routing/kube.js';
import { MarksConflictError, type MarksStore, type StoredMarks } from '../rollout/marks-store.js';
import type { KubeObject, KubectlObjects } from './kubectl.js';

export const LEASE_RESOURCE = 'leases.coordination.k8s.io';
const ANNOTATION_PREFIX = 'canary-action/';
/** An annotation name's part after the prefix (a Kubernetes qualified name). */
const MARK_KEY = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The Lease's name for a canary release: a suffix with a dot, which no chart's fullname carries. */
export function leaseName(canaryRelease: string): string {
  return `${canaryRelease}.canary-action`;
}

interface Lease extends KubeObject {
  metadata: KubeObject['metadata'] & {
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
}

type LeaseKube = Pick<KubectlObjects, 'get' | 'createIfAbsent' | 'replace' | 'deleteIfUnchanged'>;

export class LeaseMarksStore implements MarksStore {
  private readonly name: string;

  constructor(
    private readonly kube: LeaseKube,
    private readonly namespace: string,
    private readonly canaryRelease: string,
    private readonly now: () => number = Date.now
  ) {
    this.name = leaseName(canaryRelease);
  }

  get where(): string {
    return `Lease ${this.namespace}/${this.name}`;
  }

  async read(): Promise<StoredMarks | undefined> {
    const lease = await this.kube.get<Lease>(LEASE_RESOURCE, this.namespace, this.name);
    return lease ? stored(lease) : undefined;
  }

  async create(marks: Record<string, string>): Promise<StoredMarks | undefined> {
    const created = await this.kube.createIfAbsent<Lease>(this.lease(marks));
    return created ? stored(created) : undefined;
  }

  async update(marks: Record<string, string>, current: StoredMarks): Promise<StoredMarks> {
    const lease = this.lease(marks);
    try {
      const replaced = await this.kube.replace<Lease>({
        ...lease,
        metadata: { ...lease.metadata, uid: current.uid, resourceVersion: current.resourceVersion }
      });
      return stored(replaced);
    } catch (error) {
      if (error instanceof KubeConflictError) throw new MarksConflictError(error.message);
      throw error;
    }
  }

  async remove(current: StoredMarks): Promise<void> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases/${encodeURIComponent(this.name)}`;
    try {
      await this.kube.deleteIfUnchanged(path, current.uid, current.resourceVersion);
    } catch (error) {
      if (error instanceof KubeConflictError) throw new MarksConflictError(error.message);
      throw error;
    }
  }

  private lease(marks: Record<string, string>): Lease {
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(marks)) {
      if (!MARK_KEY.test(key)) {
        throw new Error(`canary mark "${key}" is not a valid annotation name (expected ${MARK_KEY.source})`);
      }
      annotations[ANNOTATION_PREFIX + key] = value;
    }
    const now = this.now();
    const until = Date.parse(marks.leaseUntil ?? '');
    const spec: Record<string, unknown> = { renewTime: microTime(now) };
    if (marks.holder) spec.holderIdentity = marks.holder;
    if (Number.isFinite(until)) spec.leaseDurationSeconds = Math.max(1, Math.ceil((until - now) / 1000));
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: {
          'app.kubernetes.io/managed-by': 'canary-action',
          'canary-action/canary-release': this.canaryRelease
        },
        annotations
      },
      spec
    };
  }
}

function stored(lease: Lease): StoredMarks {
  const marks: Record<string, string> = {};
  for (const [key, value] of Object.entries(lease.metadata.annotations ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX)) marks[key.slice(ANNOTATION_PREFIX.length)] = value;
  }
  return { marks, uid: lease.metadata.uid ?? '', resourceVersion: lease.metadata.resourceVersion ?? '' };
}

/** A Lease's MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
