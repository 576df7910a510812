// What the end-to-end suites assert about the cluster, read through the Kubernetes API
// (@kubernetes/client-node) and the real Helm, never through the sandbox's own bookkeeping.
import { spawn } from 'node:child_process';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api
} from '@kubernetes/client-node';
import { helmBinaryPath } from '../../scripts/helm-paths.mjs';
import type { ClusterInfo } from '../../sandbox/control-plane/cluster.js';

export const NAMESPACE = 'default';
const INSTANCE = 'app.kubernetes.io/instance';

export interface PodFacts {
  name: string;
  uid: string;
  /** The Helm release that made the pod (the chart's `release` pod label). */
  release: string;
  track: string;
  image: string;
  ready: boolean;
  terminating: boolean;
}

export interface HelmHistoryEntry {
  revision: number;
  status: string;
  description: string;
}

export class ClusterReads {
  private readonly core: CoreV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly coordination: CoordinationV1Api;

  constructor(private readonly info: ClusterInfo) {
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(info.kubeconfig);
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.networking = kubeconfig.makeApiClient(NetworkingV1Api);
    this.custom = kubeconfig.makeApiClient(CustomObjectsApi);
    this.coordination = kubeconfig.makeApiClient(CoordinationV1Api);
  }

  /** Deletes a Lease in the namespace (the action's ownership marks); one that is not there is fine. */
  async deleteLease(name: string): Promise<void> {
    try {
      await this.coordination.deleteNamespacedLease({ name, namespace: NAMESPACE });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  }

  /** Every storefront pod (stable and canary releases) in the namespace. */
  async storefrontPods(): Promise<PodFacts[]> {
    const list = await this.core.listNamespacedPod({
      namespace: NAMESPACE,
      labelSelector: 'app.kubernetes.io/name=storefront'
    });
    return list.items.map((pod) => ({
      name: pod.metadata!.name!,
      uid: pod.metadata!.uid!,
      release: pod.metadata?.labels?.release ?? '',
      track: pod.metadata?.labels?.track ?? '',
      image: pod.spec!.containers[0].image!,
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      terminating: Boolean(pod.metadata?.deletionTimestamp)
    }));
  }

  /** The pods once none is terminating (a promotion's old pods take a few seconds to go). */
  async settledPods(timeoutMs = 60_000): Promise<PodFacts[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const pods = await this.storefrontPods();
      if (!pods.some((p) => p.terminating) || Date.now() > until) return pods;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** The canary-weight annotation of the canary release's ingress-nginx canary Ingress (undefined: none). */
  async canaryIngressWeight(canaryRelease: string): Promise<number | undefined> {
    const list = await this.networking.listNamespacedIngress({
      namespace: NAMESPACE,
      labelSelector: `${INSTANCE}=${canaryRelease}`
    });
    const ingress = list.items.find(
      (i) => i.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true'
    );
    const weight = ingress?.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
    return weight === undefined ? undefined : Number(weight);
  }

  /** HTTPRoutes in the namespace, by name. */
  async httpRoutes(): Promise<string[]> {
    const list = (await this.custom.listNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: NAMESPACE,
      plural: 'httproutes'
    })) as { items: Array<{ metadata: { name: string } }> };
    return list.items.map((r) => r.metadata.name);
  }

  /** `helm history RELEASE -o json` with the real Helm against the sandbox. */
  helmHistory(release: string): Promise<HelmHistoryEntry[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(helmBinaryPath(4), ['history', release, '--namespace', NAMESPACE, '-o', 'json'], {
        env: { ...process.env, KUBECONFIG: this.info.kubeconfig },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(stdout) as HelmHistoryEntry[])
          : reject(new Error(`helm history ${release} failed: ${stderr}`))
      );
    });
  }
}
