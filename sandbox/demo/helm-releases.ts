// Helm's releases as Helm itself stores them in the cluster: one Secret per revision
// (sh.helm.release.v1.<name>.v<N>, labels owner=helm,name,version,status), whose `release` field is
// base64 of gzipped JSON. Read through the Kubernetes API, so the demo sees what any Helm client sees.
import { gunzipSync } from 'node:zlib';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';

/** The parts of Helm's stored release the demo reads. */
export interface HelmRevision {
  readonly name: string;
  readonly version: number;
  readonly info: { readonly status: string; readonly description?: string };
  /** The user-supplied values of this revision (what --set, -f and --reuse-values produced). */
  readonly config: Record<string, unknown> & {
    image?: { tag?: string };
    canary?: { weight?: number; enabled?: boolean };
  };
}

export interface HelmRelease {
  readonly name: string;
  /** Oldest first. */
  readonly revisions: readonly HelmRevision[];
}

/** Decodes one release Secret; undefined when it is not Helm's. */
export function decodeReleaseSecret(secret: V1Secret): HelmRevision | undefined {
  const data = secret.data?.release;
  if (!data || secret.type !== 'helm.sh/release.v1') return undefined;
  const gzipped = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  const json = gzipped[0] === 0x1f && gzipped[1] === 0x8b ? gunzipSync(gzipped) : gzipped;
  const release = JSON.parse(json.toString('utf8')) as HelmRevision;
  return { ...release, config: release.config ?? {} };
}

export class HelmReleases {
  private readonly core: CoreV1Api;

  constructor(kubeconfig: KubeConfig) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
  }

  /** The release with every stored revision, or undefined when Helm stores none (never installed, or uninstalled). */
  async release(namespace: string, name: string): Promise<HelmRelease | undefined> {
    const list = await this.core.listNamespacedSecret({
      namespace,
      labelSelector: `owner=helm,name=${name}`
    });
    const revisions = list.items
      .map(decodeReleaseSecret)
      .filter((r): r is HelmRevision => r !== undefined)
      .sort((a, b) => a.version - b.version);
    return revisions.length > 0 ? { name, revisions } : undefined;
  }
}
