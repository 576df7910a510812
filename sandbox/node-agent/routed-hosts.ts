// The cluster's routed host names, for the pods' hosts files (pod-hosts.ts): every Ingress rule's host
// and every HTTPRoute's hostnames, in all namespaces, polled so a new route's host resolves in pods
// within a second. A cluster without the Gateway API CRDs simply has no HTTPRoutes.
import { CustomObjectsApi, NetworkingV1Api, type KubeConfig } from '@kubernetes/client-node';
import { statusOf } from './kube.js';

const POLL_MS = 1000;

interface HttpRouteList {
  items?: Array<{ spec?: { hostnames?: string[] } }>;
}

export async function routedHosts(config: KubeConfig): Promise<string[]> {
  const networking = config.makeApiClient(NetworkingV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const ingresses = await networking.listIngressForAllNamespaces();
  const hosts = ingresses.items.flatMap((i) => (i.spec?.rules ?? []).map((r) => r.host ?? ''));
  try {
    const routes = (await custom.listClusterCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      plural: 'httproutes'
    })) as HttpRouteList;
    hosts.push(...(routes.items ?? []).flatMap((r) => r.spec?.hostnames ?? []));
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  return hosts.filter((h) => h !== '');
}

/** Calls onHosts with the routed hosts every second until stopped; a failed poll is logged and retried. */
export function pollRoutedHosts(
  config: KubeConfig,
  onHosts: (hosts: string[]) => void,
  log: (message: string) => void
): { stop(): void } {
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const hosts = await routedHosts(config);
      if (!stopped) onHosts(hosts);
      failing = false;
    } catch (error) {
      if (!failing)
        log(`routed hosts for pods' hosts files: list failed, retrying: ${(error as Error).message}`);
      failing = true;
    }
    if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
  };
  void tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    }
  };
}
