// Reads a release's rendered manifest (`helm get manifest`): which Services it renders, so the
// routers that edit an API object can pair stable's Service with the canary's, the objects themselves
// (so such a router can hand a route back to Helm as it was rendered), and what the metric sources
// select each arm by (Deployments, Services, Ingresses).
import { parseAllDocuments } from 'yaml';
import type { ManifestObject } from '../metrics-source/arm-names.js';
import type { RenderedObject } from '../routing/kube.js';

/** Every object of the manifest (empty documents skipped). */
export function objectsInManifest(manifest: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const object = doc.toJS() as unknown;
    if (object && typeof object === 'object' && !Array.isArray(object))
      objects.push(object as RenderedObject);
  }
  return objects;
}

export function servicesInManifest(manifest: string): string[] {
  return objectsInManifest(manifest).flatMap((object) =>
    object.kind === 'Service' && typeof object.metadata?.name === 'string' ? [object.metadata.name] : []
  );
}

interface IngressBackend {
  service?: { name?: unknown; port?: { number?: unknown; name?: unknown } };
}
interface RenderedIngress {
  spec?: {
    defaultBackend?: IngressBackend;
    rules?: Array<{ http?: { paths?: Array<{ backend?: IngressBackend }> } }>;
  };
}

/** Kind and name of every object, and the Services (with ports) each Ingress sends traffic to. */
export function armObjectsInManifest(manifest: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const object = doc.toJS() as ({ kind?: unknown; metadata?: { name?: unknown } } & RenderedIngress) | null;
    if (typeof object?.kind !== 'string' || typeof object.metadata?.name !== 'string') continue;
    const entry: ManifestObject = { kind: object.kind, name: object.metadata.name };
    if (object.kind === 'Ingress') entry.backends = ingressBackends(object);
    objects.push(entry);
  }
  return objects;
}

function ingressBackends(ingress: RenderedIngress): Array<{ service: string; port: string }> {
  const backends = [
    ingress.spec?.defaultBackend,
    ...(ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend))
  ];
  return backends.flatMap((backend) => {
    const service = backend?.service;
    const port = service?.port?.number ?? service?.port?.name;
    return typeof service?.name === 'string' && port !== undefined
      ? [{ service: service.name, port: String(port) }]
      : [];
  });
}
