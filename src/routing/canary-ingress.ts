// Pure pieces of the canary Ingress the action creates for a chart that exposes no
// `ingress.annotations`: which of the namespace's Ingresses are stable's, the copy of one with the
// canary's Service as backend and the ingress-nginx canary annotations, and the annotation that says
// the action owns it (so any later run, the post step included, finds and removes it).

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';
export const CANARY_ANNOTATION = `${NGINX_PREFIX}canary`;
export const WEIGHT_ANNOTATION = `${NGINX_PREFIX}canary-weight`;
/** On the Ingresses the action created: `{"canaryRelease": ..., "stableIngress": ...}`. */
export const OWNER_ANNOTATION = 'canary-action.dev/canary-ingress';
/** The legacy way to pick the ingress class, still honoured by ingress-nginx. */
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** Appended to stable's Ingress name; distinct from what a chart renders for the canary release. */
export const CANARY_INGRESS_SUFFIX = '-canary-action';

export interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } };
  resource?: unknown;
}

export interface Ingress {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: Array<{ hosts?: string[]; secretName?: string }>;
    rules?: Array<{
      host?: string;
      http?: { paths: Array<{ path?: string; pathType?: string; backend: IngressBackend }> };
    }>;
  };
  [field: string]: unknown;
}

export interface CanaryIngressOwner {
  canaryRelease: string;
  stableIngress: string;
}

export function ownerOf(ingress: Ingress): CanaryIngressOwner | undefined {
  const text = ingress.metadata.annotations?.[OWNER_ANNOTATION];
  if (!text) return undefined;
  try {
    const owner = JSON.parse(text) as CanaryIngressOwner;
    if (typeof owner.canaryRelease === 'string' && typeof owner.stableIngress === 'string') return owner;
  } catch {
    // fall through
  }
  throw new Error(
    `Ingress ${ingress.metadata.namespace}/${ingress.metadata.name}: annotation ${OWNER_ANNOTATION} is not what canary-action writes; remove the Ingress or the annotation by hand`
  );
}

const isCanary = (ingress: Ingress): boolean =>
  ingress.metadata.annotations?.[CANARY_ANNOTATION] === 'true' ||
  ingress.metadata.annotations?.[OWNER_ANNOTATION] !== undefined;

function backends(ingress: Ingress): IngressBackend[] {
  return [
    ...(ingress.spec?.defaultBackend ? [ingress.spec.defaultBackend] : []),
    ...(ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend))
  ];
}

/** The Ingresses that send traffic to one of stable's Services and are not canaries themselves. */
export function stableIngresses(ingresses: Ingress[], stableServices: string[]): Ingress[] {
  return ingresses.filter(
    (ingress) =>
      !isCanary(ingress) &&
      backends(ingress).some((b) => b.service !== undefined && stableServices.includes(b.service.name))
  );
}

export function canaryIngressName(stableIngress: string): string {
  return `${stableIngress.slice(0, 253 - CANARY_INGRESS_SUFFIX.length)}${CANARY_INGRESS_SUFFIX}`;
}

/**
 * Stable's Ingress copied for the canary: the same class, hosts, paths and TLS references, every backend
 * that named one of stable's Services naming the canary's (`canaryService`), paths to other Services
 * left out, and the canary annotations at `weight`.
 */
export function canaryIngressFor(
  stable: Ingress,
  canaryService: (stableService: string) => string | undefined,
  owner: CanaryIngressOwner,
  weight: number
): Ingress {
  const mapped = (backend: IngressBackend | undefined): IngressBackend | undefined => {
    const name = backend?.service?.name;
    const canary = name === undefined ? undefined : canaryService(name);
    return canary === undefined ? undefined : { service: { ...backend!.service!, name: canary } };
  };
  const rules = (stable.spec?.rules ?? []).flatMap((rule) => {
    const paths = (rule.http?.paths ?? []).flatMap((path) => {
      const backend = mapped(path.backend);
      return backend ? [{ ...path, backend }] : [];
    });
    return paths.length > 0 ? [{ ...rule, http: { paths } }] : [];
  });
  const defaultBackend = mapped(stable.spec?.defaultBackend);
  const legacyClass = stable.metadata.annotations?.[CLASS_ANNOTATION];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: canaryIngressName(stable.metadata.name),
      namespace: stable.metadata.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'canary-action' },
      annotations: {
        ...(legacyClass !== undefined && { [CLASS_ANNOTATION]: legacyClass }),
        [CANARY_ANNOTATION]: 'true',
        [WEIGHT_ANNOTATION]: String(weight),
        [OWNER_ANNOTATION]: JSON.stringify(owner)
      }
    },
    spec: {
      ...(stable.spec?.ingressClassName !== undefined && { ingressClassName: stable.spec.ingressClassName }),
      ...(stable.spec?.tls !== undefined && { tls: structuredClone(stable.spec.tls) }),
      ...(defaultBackend && { defaultBackend }),
      rules
    }
  };
}

/** The weight an owned canary Ingress carries (undefined when its annotation is not a number). */
export function weightOf(ingress: Ingress): number | undefined {
  const weight = Number(ingress.metadata.annotations?.[WEIGHT_ANNOTATION]);
  return Number.isInteger(weight) ? weight : undefined;
}

/** JSON Pointer escaping of one path segment. */
export function pointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
