// An in-memory KubeObjects for the router unit tests: applies JSON Patch ops the way the API server
// does (test, add, replace, remove), bumps resourceVersion, and can lose a race on purpose. Managed
// fields are kept as a list of managers: a patch adds the action's, an apply leaves only its own.
import { EDIT_FIELD_MANAGER, type JsonPatchOp } from '../../src/routing/route-edit.js';
import { KubeConflictError, type KubeObjects } from '../../src/routing/kube.js';

export class FakeKube implements KubeObjects {
  objects = new Map<string, any>();
  patches: Array<{ name: string; ops: JsonPatchOp[] }> = [];
  applies: Array<{ name: string; object: any; fieldManager: string }> = [];
  private version = 100;
  /** Called before each patch is applied: lets a test change the object underneath (a race). */
  beforePatch?: (name: string) => void;

  put(resource: string, object: any): void {
    this.objects.set(`${resource}/${object.metadata.namespace}/${object.metadata.name}`, {
      ...structuredClone(object),
      metadata: { ...structuredClone(object.metadata), resourceVersion: String(++this.version) }
    });
  }

  touch(resource: string, namespace: string, name: string): void {
    const object = this.objects.get(`${resource}/${namespace}/${name}`);
    object.metadata.resourceVersion = String(++this.version);
  }

  async get<T>(resource: string, namespace: string, name: string): Promise<T | undefined> {
    const object = this.objects.get(`${resource}/${namespace}/${name}`);
    return object ? structuredClone(object) : undefined;
  }

  async list<T>(resource: string, namespace: string): Promise<T[]> {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`${resource}/${namespace}/`))
      .map(([, object]) => structuredClone(object));
  }

  async jsonPatch<T>(resource: string, namespace: string, name: string, ops: JsonPatchOp[]): Promise<T> {
    this.beforePatch?.(name);
    const key = `${resource}/${namespace}/${name}`;
    const object = structuredClone(this.objects.get(key));
    for (const op of ops) {
      const path = op.path
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const last = path.pop()!;
      const parent = path.reduce((node, segment) => node[segment], object);
      if (op.op === 'test') {
        if (JSON.stringify(parent[last]) !== JSON.stringify(op.value))
          throw new KubeConflictError(`${name} changed`);
      } else if (op.op === 'remove') {
        if (!(last in parent)) throw new Error(`remove ${op.path}: no such path`);
        delete parent[last];
      } else {
        if (op.op === 'replace' && !(last in parent)) throw new Error(`replace ${op.path}: no such path`);
        parent[last] = structuredClone(op.value);
      }
    }
    this.patches.push({ name, ops });
    const managers: Array<{ manager: string }> = object.metadata.managedFields ?? [];
    if (!managers.some((m) => m.manager === EDIT_FIELD_MANAGER)) {
      object.metadata.managedFields = [...managers, { manager: EDIT_FIELD_MANAGER, operation: 'Update' }];
    }
    object.metadata.resourceVersion = String(++this.version);
    this.objects.set(key, object);
    return structuredClone(object);
  }

  /** Server-side apply with --force-conflicts, simplified: the object becomes what was applied. */
  async apply<T>(resource: string, namespace: string, applied: any, fieldManager: string): Promise<T> {
    const key = `${resource}/${namespace}/${applied.metadata.name}`;
    this.applies.push({ name: applied.metadata.name, object: structuredClone(applied), fieldManager });
    const object = {
      ...structuredClone(applied),
      metadata: {
        ...structuredClone(applied.metadata),
        resourceVersion: String(++this.version),
        managedFields: [{ manager: fieldManager, operation: 'Apply' }]
      }
    };
    this.objects.set(key, object);
    return structuredClone(object);
  }

  creates: string[] = [];
  deletes: string[] = [];

  async create<T>(resource: string, namespace: string, object: any): Promise<T> {
    const key = `${resource}/${namespace}/${object.metadata.name}`;
    if (this.objects.has(key)) throw new Error(`${key} already exists`);
    this.put(resource, { ...object, metadata: { ...object.metadata, namespace } });
    this.creates.push(object.metadata.name);
    return structuredClone(this.objects.get(key));
  }

  async delete(resource: string, namespace: string, name: string): Promise<void> {
    this.objects.delete(`${resource}/${namespace}/${name}`);
    this.deletes.push(name);
  }
}
