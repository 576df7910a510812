// KubeObjects port: the few Kubernetes API calls the routers that edit an object make. The adapter
// (src/kube/kubectl.ts) runs the runner's kubectl, so KUBECONFIG and exec credential plugins apply.
import type { JsonPatchOp } from './httproute.js';

export interface KubeObjects {
  /** The object, or undefined when it does not exist. */
  get<T>(resource: string, namespace: string, name: string): Promise<T | undefined>;
  list<T>(resource: string, namespace: string): Promise<T[]>;
  /** One write. A failed `test` op (the object changed since it was read) throws KubeConflictError. */
  jsonPatch<T>(resource: string, namespace: string, name: string, ops: JsonPatchOp[]): Promise<T>;
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

/** The Services a Helm release renders (from its manifest), for the routers that pair them. */
export interface ReleaseServices {
  services(release: string): Promise<string[]>;
}
