// What a pod worker asks of the API server: the ConfigMaps and Secrets its env reads, its status
// written with a JSON merge patch (only the fields the kubelet owns), and the final delete with grace 0.
import type { EnvLookups } from './env.js';
import { mergePatch, statusOf, type KubeClients } from './kube.js';
import type { PodApi } from './pod-worker.js';

export function envLookups(clients: KubeClients): EnvLookups {
  const missingIs404 = <T>(error: unknown): T | undefined => {
    if (statusOf(error) === 404) return undefined;
    throw error;
  };
  return {
    configMap: (namespace, name) =>
      clients.core
        .readNamespacedConfigMap({ name, namespace })
        .then((c) => c.data ?? {}, missingIs404<Record<string, string>>),
    secret: (namespace, name) =>
      clients.core
        .readNamespacedSecret({ name, namespace })
        .then(
          (s) =>
            Object.fromEntries(
              Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])
            ),
          missingIs404<Record<string, string>>
        )
  };
}

export function podApi(clients: KubeClients): PodApi {
  return {
    async patchStatus(namespace, name, status) {
      try {
        await clients.core.patchNamespacedPodStatus({ name, namespace, body: { status } }, mergePatch);
      } catch (error) {
        if (statusOf(error) !== 404) throw error; // a pod already gone needs no status
      }
    },
    async deleteNow(namespace, name, uid) {
      try {
        await clients.core.deleteNamespacedPod({
          name,
          namespace,
          gracePeriodSeconds: 0,
          body: { gracePeriodSeconds: 0, preconditions: { uid } }
        });
      } catch (error) {
        if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
      }
    }
  };
}
