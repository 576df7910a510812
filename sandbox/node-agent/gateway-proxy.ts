// The node's gateway proxy: a TCP forwarder on the pod bridge's address, port 80, to the ingress
// (Traefik) on the host's loopback. Pods have no route beyond the pod network, and Traefik listens on
// 127.0.0.1 only, so this is the one way in for a pod's call to a routed host name (pod-hosts.ts maps
// those names to this address). It stands in for the ingress controller's LoadBalancer Service and the
// kube-proxy rules behind it. The ingress port is read from the sandbox's Gateway (its HTTP listener is
// Traefik's entry point), so every cluster's agent finds its own Traefik.
import net from 'node:net';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

export const GATEWAY_PROXY_PORT = 80;

interface GatewayObject {
  spec?: { listeners?: Array<{ protocol?: string; port?: number }> };
}

export interface GatewayRef {
  namespace: string;
  name: string;
}

/** The port of the Gateway's first HTTP listener, which is Traefik's entry point on 127.0.0.1. */
export async function ingressPortOf(config: KubeConfig, gateway: GatewayRef): Promise<number> {
  const custom = config.makeApiClient(CustomObjectsApi);
  const object = (await custom.getNamespacedCustomObject({
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespace: gateway.namespace,
    plural: 'gateways',
    name: gateway.name
  })) as GatewayObject;
  const port = object.spec?.listeners?.find((l) => l.protocol === 'HTTP')?.port;
  if (!Number.isInteger(port)) {
    throw new Error(`Gateway ${gateway.namespace}/${gateway.name} has no HTTP listener with a port`);
  }
  return port!;
}

export interface GatewayProxy {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on host:port and pipes every connection to 127.0.0.1:<ingressPort()>. The port is looked up
 * on the first connection and again after a connection to it failed (Traefik restarted elsewhere).
 */
export async function startGatewayProxy(options: {
  host: string;
  port?: number;
  ingressPort: () => Promise<number>;
  log: (message: string) => void;
}): Promise<GatewayProxy> {
  let target: Promise<number> | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    target ??= options.ingressPort();
    const pending = target;
    pending.then(
      (port) => {
        if (client.destroyed) return;
        const upstream = net.connect(port, '127.0.0.1');
        sockets.add(upstream);
        upstream.once('close', () => sockets.delete(upstream));
        upstream.on('error', (error) => {
          if (target === pending) target = undefined;
          options.log(`gateway proxy: 127.0.0.1:${port}: ${error.message}`);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.pipe(upstream).pipe(client);
      },
      (error: Error) => {
        if (target === pending) target = undefined;
        options.log(`gateway proxy: no ingress to forward to: ${error.message}`);
        client.destroy();
      }
    );
  });
  const port = options.port ?? GATEWAY_PROXY_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;
  return {
    address: bound.address,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };
}
