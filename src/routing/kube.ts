// KubeObjects port: the few Kubernetes API calls the routers that edit an object make. The adapter
// (src/kube/kubectl.ts) runs the runner's kubectl, so KUBECONFIG and exec credential plugins apply.
import type { JsonPatchOp } from './route-edit.js';

export interface KubeObjects {
  /** The object, or undefined when it does not exist. */
  get<T>(resource: string, namespace: string, name: string): Promise<T | undefined>;
  list<T>(resource: string, namespace: string): Promise<T[]>;
  /** One write. A failed `test` op (the object changed since it was read) throws KubeConflictError. */
  jsonPatch<T>(resource: string, namespace: string, name: string, ops: JsonPatchOp[]): Promise<T>;
  /**
   * Server-side apply of `object` as `fieldManager`, taking over the fields it names from any other
   * manager (--force-conflicts): how a route is handed back to Helm 4, which applies as `helm`.
   */
  apply<T>(resource: string, namespace: string, object: object, fieldManager: string): Promise<T>;
  /** Creates the object (its namespace is `namespace`); one that exists already is an error. */
  create<T>(resource: string, namespace: string, object: object): Promise<T>;
  /** Deletes the object; one that is already gone is fine. */
  delete(resource: string, namespace: string, name: string): Promise<void>;
}

/** The object changed between our read and our write: read it again and recompute the patch. */
export class KubeConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConflictError';
  }
}

/** One object of a release's rendered manifest (`helm get manifest`), as YAML parsed it. */
export interface RenderedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** What the routers that pair Services read from a Helm release's manifest. */
export interface ReleaseServices {
  /** The Services the release renders (none when it does not exist). */
  services(release: string): Promise<string[]>;
  /** The objects the release renders (none when it does not exist). */
  renderedObjects(release: string): Promise<RenderedObject[]>;
}
