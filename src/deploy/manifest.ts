// Reads a release's rendered manifest (`helm get manifest`): which Services it renders, so the
// routers that edit an API object can pair stable's Service with the canary's, and the objects
// themselves, so such a router can hand a route back to Helm as it was rendered.
import { parseAllDocuments } from 'yaml';

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
