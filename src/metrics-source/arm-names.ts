// Fills the arm placeholders (`{{pods}}`, `{{workload}}`, `{{service}}`, `{{ingress}}`,
// `{{nginx-canary}}`, `{{traefik-service}}`) from what stable's release renders. The canary's names
// follow from stable's by the release name (`storefront-api` -> `storefront-canary-api`), so they are
// known before the canary exists (the baseline reads both arms). Only the placeholders the queries use
// are resolved, and one that cannot be is a named error, never an empty selector.
import type { RoutingPreset } from '../config/spec.js';
import type { ArmPlaceholder, QueryArm } from '../metrics/promql.js';
import type { Arm } from '../metrics/types.js';
import { podNamePattern } from './pod-pattern.js';
import { escapeRegex } from './regex.js';
import { traefikServicePattern } from './traefik-names.js';

/** One object of a release's manifest, as far as the placeholders need it. */
export interface ManifestObject {
  kind: string;
  name: string;
  /** For an Ingress: the Services (and ports) its rules and default backend send traffic to. */
  backends?: Array<{ service: string; port: string }>;
}

export interface ArmNamesInput {
  release: string;
  canaryRelease: string;
  namespace: string;
  routing: RoutingPreset;
  /** What stable's release renders (`helm get manifest`). */
  stableObjects: ManifestObject[];
  /** The placeholders the queries use. */
  needed: ReadonlySet<string>;
}

export type ArmValues = Record<Arm, QueryArm>;

export class ArmNamesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArmNamesError';
  }
}

/** The canary release's name for one of stable's objects, by the release-name prefix. */
export function canaryNameFor(stableName: string, release: string, canaryRelease: string): string {
  if (!stableName.startsWith(release)) {
    throw new ArmNamesError(
      `cannot tell the canary's name for ${stableName}: it does not start with the release name ${release} (a fullnameOverride or fixed name gives both releases the same objects)`
    );
  }
  return canaryRelease + stableName.slice(release.length);
}

export function resolveArmValues(input: ArmNamesInput): ArmValues {
  const { release, canaryRelease, namespace, needed } = input;
  const values: ArmValues = {
    stable: { release, namespace },
    canary: { release: canaryRelease, namespace }
  };
  const set = (key: ArmPlaceholder, stable: string, canary: string): void => {
    values.stable[key] = stable;
    values.canary[key] = canary;
  };
  const wants = (...keys: ArmPlaceholder[]): boolean => keys.some((key) => needed.has(key));
  const canaryOf = (name: string): string => canaryNameFor(name, release, canaryRelease);

  if (wants('workload', 'pods')) {
    const deployment = only(input, 'Deployment');
    set('workload', deployment, canaryOf(deployment));
    set('pods', podNamePattern(deployment), podNamePattern(canaryOf(deployment)));
  }
  if (wants('service', 'ingress', 'nginx-canary', 'traefik-service')) {
    // Traefik names its ingress-nginx services after stable's Ingress, Service and port.
    const byIngress =
      wants('ingress', 'nginx-canary') || (wants('traefik-service') && input.routing === 'ingress-nginx');
    const ingress = byIngress ? only(input, 'Ingress') : undefined;
    const service = serviceOf(input, ingress);
    const port = ingress ? backendOf(input, ingress, service).port : undefined;
    set('service', service, canaryOf(service));
    if (ingress && port) {
      set('ingress', ingress, ingress);
      // ingress-nginx's upstream name: <namespace>-<service>-<port>; stable's requests have it empty.
      set('nginx-canary', '', escapeRegex(`${namespace}-${canaryOf(service)}-${port}`));
    }
    if (wants('traefik-service')) {
      const names = { namespace, stableService: service, canaryService: canaryOf(service), ingress, port };
      set(
        'traefik-service',
        traefikServicePattern(input.routing, names, 'stable'),
        traefikServicePattern(input.routing, names, 'canary')
      );
    }
  }
  return values;
}

/** Stable's one object of `kind`; none or several is a named error. */
function only(input: ArmNamesInput, kind: string): string {
  const names = input.stableObjects.filter((o) => o.kind === kind).map((o) => o.name);
  if (names.length === 1) return names[0];
  throw new ArmNamesError(
    names.length === 0
      ? `release ${input.release} in ${input.namespace} renders no ${kind} to select its metrics by`
      : `release ${input.release} renders several ${kind}s (${names.join(', ')}); the metric source cannot tell which one serves the traffic`
  );
}

/** Stable's Service: the one the Ingress sends to, or the release's only Service. */
function serviceOf(input: ArmNamesInput, ingress: string | undefined): string {
  const services = input.stableObjects.filter((o) => o.kind === 'Service').map((o) => o.name);
  if (ingress) {
    const backends = backendsOf(input, ingress).filter((b) => services.includes(b.service));
    const distinct = [...new Set(backends.map((b) => b.service))];
    if (distinct.length === 1) return distinct[0];
    if (distinct.length === 0) {
      throw new ArmNamesError(
        `Ingress ${ingress} of ${input.release} sends no traffic to a Service of ${input.release}`
      );
    }
  }
  return only(input, 'Service');
}

function backendsOf(input: ArmNamesInput, ingress: string): Array<{ service: string; port: string }> {
  return input.stableObjects.find((o) => o.kind === 'Ingress' && o.name === ingress)?.backends ?? [];
}

function backendOf(
  input: ArmNamesInput,
  ingress: string,
  service: string
): { service: string; port: string } {
  const ports = [
    ...new Set(
      backendsOf(input, ingress)
        .filter((b) => b.service === service)
        .map((b) => b.port)
    )
  ];
  if (ports.length !== 1) {
    throw new ArmNamesError(
      `Ingress ${ingress} sends traffic to Service ${service} on ${ports.length === 0 ? 'no port' : `several ports (${ports.join(', ')})`}; expected one`
    );
  }
  return { service, port: ports[0] };
}
