// How Traefik names the services whose counters it exports (traefik_service_requests_total{service}),
// read from Traefik 3.7's providers and checked against the sandbox's real series:
// - kubernetesIngressNGINX (canary annotations): stable's backend is `<ns>-<ingress>-<service>-<port>`
//   (stable's Ingress and Service), and the canary's share goes to a service named after it,
//   `<ns>-<ingress>-<service>-<port>-canary`, whatever the canary Ingress and Service are called; both
//   `@kubernetesingressnginx` (seen on the sandbox: `default-podinfo-podinfo-9898-canary@kubernetesingressnginx`).
// - kubernetesGateway (HTTPRoute): one service per backendRef,
//   `httproute-<ns>-<route>-gw-<gateway ns>-<gateway>-ep-<entry point>-<rule>-svc-<ns>-<service>-<ref index>`,
//   `@kubernetesgateway`.
// Traefik replaces every run of characters other than letters and digits with one `-`.
import type { RoutingPreset } from '../config/spec.js';
import type { Arm } from '../metrics/types.js';
import { escapeRegex } from './regex.js';

/** Traefik's provider.Normalize. */
export function traefikNormalize(name: string): string {
  return name
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join('-');
}

export interface TraefikArmNames {
  namespace: string;
  stableService: string;
  canaryService: string;
  /** For ingress-nginx: stable's Ingress and the Service port its backend names (number or name). */
  ingress?: string;
  port?: string;
}

/** The regex of the Traefik service that carries `arm`'s traffic for `routing`. */
export function traefikServicePattern(routing: RoutingPreset, names: TraefikArmNames, arm: Arm): string {
  const ns = traefikNormalize(names.namespace);
  if (routing === 'ingress-nginx') {
    if (names.ingress === undefined || names.port === undefined) {
      throw new Error(
        'metrics-source traefik: with routing ingress-nginx the Ingress and its port are needed'
      );
    }
    const primary = traefikNormalize(
      `${names.namespace}-${names.ingress}-${names.stableService}-${names.port}`
    );
    return `${escapeRegex(primary)}${arm === 'canary' ? '-canary' : ''}@kubernetesingressnginx`;
  }
  if (routing === 'gateway-api') {
    const service = arm === 'canary' ? names.canaryService : names.stableService;
    return `httproute-.+-svc-${escapeRegex(`${ns}-${traefikNormalize(service)}`)}-[0-9]+@kubernetesgateway`;
  }
  throw new Error(`metrics-source traefik: routing ${routing} has no Traefik service names`);
}
