// The two releases must not share an object: Helm refuses to install an object another release owns,
// and if it did not, uninstalling the canary would delete stable's. Compared by kind, namespace and name.
import { objectLabel, type ManifestObject } from './manifest.js';
import { PreflightError, type PreflightLine } from './types.js';

export interface CollisionInput {
  canary: ManifestObject[];
  /** Stable's objects (`helm get manifest`); undefined when stable is not installed. */
  stable: ManifestObject[] | undefined;
  namespace: string;
  canaryRelease: string;
  release: string;
  clusterScopedKinds: ReadonlySet<string>;
}

export interface CollisionFindings {
  lines: PreflightLine[];
  errors: PreflightError[];
}

/** Objects without a namespace land in the release's; cluster-scoped kinds have none. */
function identity(object: ManifestObject, namespace: string, clusterScoped: ReadonlySet<string>): string {
  const ns = clusterScoped.has(object.kind) ? '' : (object.namespace ?? namespace);
  return `${object.kind}\u0000${ns}\u0000${object.name}`;
}

function placed(object: ManifestObject, namespace: string, clusterScoped: ReadonlySet<string>) {
  return clusterScoped.has(object.kind)
    ? { ...object, namespace: undefined }
    : { ...object, namespace: object.namespace ?? namespace };
}

export function checkCollisions(input: CollisionInput): CollisionFindings {
  const { canary, stable, namespace, clusterScopedKinds: scoped } = input;
  const errors: PreflightError[] = [];
  const lines: PreflightLine[] = [];

  if (stable !== undefined) {
    const stableIds = new Set(stable.map((o) => identity(o, namespace, scoped)));
    const shared = canary.filter((o) => stableIds.has(identity(o, namespace, scoped)));
    if (shared.length > 0) {
      const names = shared.map((o) => objectLabel(placed(o, namespace, scoped))).join(', ');
      errors.push(
        new PreflightError(
          'release-objects-collide',
          `${input.canaryRelease} would render ${shared.length === 1 ? 'an object' : `${shared.length} objects`} that ${input.release} already has: ${names}. ` +
            'Both releases must render their own objects: remove `fullnameOverride` (or a fixed `nameOverride`) from the values both releases share, ' +
            'and give objects the chart names by hand (e.g. a TLS Secret named after the host) a name from the release, or turn them off for the canary.'
        )
      );
      lines.push({
        check: 'collisions',
        subject: 'names',
        status: 'fail',
        detail: `shared with ${input.release}: ${names}`,
        code: 'release-objects-collide'
      });
    } else {
      lines.push({
        check: 'collisions',
        subject: 'names',
        status: 'ok',
        detail: `${canary.length} objects, none of them among ${input.release}'s ${stable.length}`
      });
    }
  } else {
    lines.push({
      check: 'collisions',
      subject: 'names',
      status: 'skip',
      detail: `${input.release} is not installed: nothing to collide with`
    });
  }

  const unnamed = canary.filter((o) => scoped.has(o.kind) && !o.name.includes(input.canaryRelease));
  if (unnamed.length > 0) {
    const names = unnamed.map((o) => objectLabel({ ...o, namespace: undefined })).join(', ');
    errors.push(
      new PreflightError(
        'cluster-scoped-object-shared',
        `the canary's render has cluster-scoped ${unnamed.length === 1 ? 'object' : 'objects'} whose name lacks the release name ${input.canaryRelease}: ${names}. ` +
          'Cluster-scoped objects are shared by every release in the cluster: name them after the release (e.g. `{{ .Release.Name }}-...`) or turn them off for the canary.'
      )
    );
    lines.push({
      check: 'collisions',
      subject: 'cluster-scoped',
      status: 'fail',
      detail: names,
      code: 'cluster-scoped-object-shared'
    });
  } else {
    const count = canary.filter((o) => scoped.has(o.kind)).length;
    lines.push({
      check: 'collisions',
      subject: 'cluster-scoped',
      status: 'ok',
      detail: count === 0 ? 'none rendered' : `${count} rendered, each named after ${input.canaryRelease}`
    });
  }
  return { lines, errors };
}
