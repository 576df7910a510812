// A rendered Helm manifest as a list of objects with their identity (kind, namespace, name), so the
// preflight can compare two renders and two releases object by object.
import { parseAllDocuments } from 'yaml';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  /** As written in the manifest; Helm installs objects without one into the release's namespace. */
  namespace?: string;
  name: string;
  body: Record<string, unknown>;
}

/** Every object with a kind and a name; empty documents and `List` wrappers' items are flattened. */
export function parseManifest(manifest: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  const add = (value: unknown): void => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    const body = value as Record<string, unknown>;
    if (typeof body.kind === 'string' && body.kind.endsWith('List') && Array.isArray(body.items)) {
      body.items.forEach(add);
      return;
    }
    const metadata = (body.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (typeof body.kind !== 'string' || typeof metadata.name !== 'string') return;
    objects.push({
      apiVersion: typeof body.apiVersion === 'string' ? body.apiVersion : '',
      kind: body.kind,
      ...(typeof metadata.namespace === 'string' &&
        metadata.namespace !== '' && { namespace: metadata.namespace }),
      name: metadata.name,
      body
    });
  };
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length > 0)
      throw new Error(`the rendered manifest is not valid YAML: ${doc.errors[0].message}`);
    add(doc.toJS());
  }
  return objects;
}

/** `Deployment shop/storefront`, or `ClusterRole storefront` for a cluster-scoped object. */
export function objectLabel(object: { kind: string; namespace?: string; name: string }): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/** The group of an apiVersion (`networking.k8s.io/v1` -> `networking.k8s.io`; `v1` -> core ''). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
