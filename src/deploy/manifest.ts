// Reads a release's rendered manifest (`helm get manifest`): which Services it renders, so the
// routers that edit an API object can pair stable's Service with the canary's.
import { parseAllDocuments } from 'yaml';

export function servicesInManifest(manifest: string): string[] {
  const names: string[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const object = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (object?.kind === 'Service' && typeof object.metadata?.name === 'string')
      names.push(object.metadata.name);
  }
  return names;
}
