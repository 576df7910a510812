// Traefik as the sandbox's ingress controller and Gateway API implementation: its static configuration,
// and the IngressClass, GatewayClass and Gateway it serves.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Ports } from './components.js';

/** Ingress class and Gateway class Traefik serves; the storefront chart's defaults use these names. */
export const INGRESS_CLASS = 'nginx';
export const GATEWAY_CLASS = 'traefik';
export const GATEWAY_NAME = 'gateway';
export const GATEWAY_NAMESPACE = 'default';

/**
 * Traefik's static configuration: one HTTP entry point on 127.0.0.1, the ingress-nginx provider (canary
 * annotations) and the Gateway API provider (HTTPRoute weights), and Prometheus metrics on their own port.
 * It reaches the API server through KUBECONFIG (both providers read it).
 */
export function writeTraefikConfig(file: string, ports: Ports): string {
  const config = {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    entryPoints: {
      web: { address: `127.0.0.1:${ports.ingress}` },
      metrics: { address: `127.0.0.1:${ports.traefikMetrics}` }
    },
    providers: {
      // Traefik waits 2 s by default before it applies a provider's change. An endpoint that went away
      // (a pod deleted after its process exited) would keep taking requests for that long, and a request
      // sent to an address whose network is gone hangs; 100 ms keeps that window as short as the API's.
      providersThrottleDuration: '100ms',
      kubernetesIngressNGINX: { ingressClass: INGRESS_CLASS, throttleDuration: '0s' },
      kubernetesGateway: { throttleDuration: '0s' }
    },
    metrics: {
      prometheus: {
        entryPoint: 'metrics',
        addEntryPointsLabels: true,
        addRoutersLabels: true,
        addServicesLabels: true
      }
    },
    log: { level: 'INFO' },
    accessLog: {}
  };
  writeFileSync(file, stringify(config));
  return file;
}

export function traefikArgs(configFile: string): string[] {
  return [`--configFile=${configFile}`];
}

/** Objects Traefik needs to serve the two presets: the IngressClass, a GatewayClass and the Gateway. */
export function routingObjects(ports: Ports): object[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: INGRESS_CLASS },
      spec: { controller: 'k8s.io/ingress-nginx' }
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: GATEWAY_CLASS },
      spec: { controllerName: 'traefik.io/gateway-controller' }
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE },
      spec: {
        gatewayClassName: GATEWAY_CLASS,
        // Traefik binds a listener to the entry point with the same port.
        listeners: [
          {
            name: 'web',
            protocol: 'HTTP',
            port: ports.ingress,
            allowedRoutes: { namespaces: { from: 'All' } }
          }
        ]
      }
    }
  ];
}
