// MarksStore port: the object the action owns beside the canary release, holding its ownership marks
// (holder, lease, phase, version, check run id). Kept out of the chart's values so a strict
// values.schema.json never sees them. The adapter (src/kube/lease-marks.ts) keeps them on a
// coordination.k8s.io Lease named after the canary release; unit tests use an in-memory one.

/** The marks as stored, with the object's identity and version: the preconditions of the next write. */
export interface StoredMarks {
  marks: Record<string, string>;
  uid: string;
  resourceVersion: string;
}

export interface MarksStore {
  /** Where the marks live, for messages: "Lease shop/storefront-canary.canary-action". */
  readonly where: string;
  read(): Promise<StoredMarks | undefined>;
  /** Create-only: undefined when the object exists already (another run was first). */
  create(marks: Record<string, string>): Promise<StoredMarks | undefined>;
  /** Replace the marks if the object is still at `current`'s resourceVersion; MarksConflictError otherwise. */
  update(marks: Record<string, string>, current: StoredMarks): Promise<StoredMarks>;
  /** Delete the object if it is still `current` (uid and resourceVersion); MarksConflictError otherwise. Gone already is fine. */
  remove(current: StoredMarks): Promise<void>;
}

/** The object changed (or went) since it was read: someone else wrote it. */
export class MarksConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarksConflictError';
  }
}
