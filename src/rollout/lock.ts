// The lock on a canary: exactly one run drives it. The ownership marks live on an object beside the
// canary release (MarksStore: a Lease), which is created create-only, so of two runs that race the
// first creator wins and the other is refused, naming the holder. An existing lease is taken over
// only when lockConflict allows it (the same run after a crash, a paused canary, an expired lease),
// with a resourceVersion precondition; every take is read back and holder-checked. The lease is
// deleted once no canary is left (outcomes.ts calls release()).
import type { CanaryState, Deployer } from '../deploy/types.js';
import type { TrafficRouter } from '../routing/types.js';
import { heldBy, lockConflict } from './ownership.js';
import { MarksConflictError, type MarksStore, type StoredMarks } from './marks-store.js';
import { errorMessage } from '../error-message.js';

export type LockResult = { acquired: true } | { acquired: false; reason: string };

/** The create failed and no canary exists: nothing was deployed (the caller reports the error). */
export class NothingDeployedError extends Error {
  constructor(readonly failure: unknown) {
    super(errorMessage(failure));
    this.name = 'NothingDeployedError';
  }
}

/** Helm's answer to `helm install` of a name that exists: someone else created that release. */
const NAME_IN_USE = /cannot re-use a name|still in use|already exists/i;

export class CanaryLease {
  /** The lease as this run last took or wrote it. */
  private held?: StoredMarks;
  /** The lease as this run last read it (a rollback from another run removes that one's canary). */
  private seen?: StoredMarks;

  constructor(
    private readonly store: MarksStore,
    private readonly deployer: Pick<Deployer, 'installCanary' | 'canaryState'>,
    private readonly now: () => number
  ) {}

  get where(): string {
    return this.store.where;
  }

  /** The marks as the cluster has them now; undefined when there is no lease. */
  async read(): Promise<Record<string, string> | undefined> {
    this.seen = await this.store.read();
    return this.seen?.marks;
  }

  /** Takes the lock for `marks.holder` (see the file comment); refused with the holder's name otherwise. */
  async take(marks: Record<string, string>): Promise<LockResult> {
    const holder = marks.holder;
    // Twice at most: a lease deleted between our create and our read is gone, so create again.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.store.create(marks)) return this.confirm(holder);
      const existing = await this.store.read();
      if (!existing) continue;
      this.seen = existing;
      const state = { exists: true, marks: existing.marks };
      if (existing.marks.stableRelease && existing.marks.stableRelease !== marks.stableRelease) {
        return refused(`${this.where} is held for stable release ${existing.marks.stableRelease}`);
      }
      const conflict = lockConflict(state, holder, this.now());
      if (conflict) return refused(conflict);
      try {
        await this.store.update(marks, existing);
      } catch (error) {
        if (!(error instanceof MarksConflictError)) throw error;
        // Another run took it over between our read and our write.
        const now = await this.store.read();
        return refused(heldBy({ exists: true, marks: now?.marks }));
      }
      return this.confirm(holder);
    }
    return refused(`${this.where} was created and deleted again while this run tried to take it`);
  }

  /** Takes the lock, then creates the canary release at `weight` (`helm install` fails on a taken name). */
  async acquire(weight: number, marks: Record<string, string>): Promise<LockResult> {
    const taken = await this.take(marks);
    if (!taken.acquired) return taken;
    return this.install(weight);
  }

  /**
   * Creates the canary release at `weight` under the lease this run took (a group takes every
   * member's lease first, then installs each member when its turn comes).
   */
  async install(weight: number): Promise<LockResult> {
    try {
      await this.deployer.installCanary(weight);
    } catch (error) {
      const state = await this.deployer.canaryState();
      if (!state.exists) throw new NothingDeployedError(error);
      if (NAME_IN_USE.test(errorMessage(error))) {
        // A release of that name appeared meanwhile, made by someone else: not ours to change.
        await this.release('held');
        return refused(
          `a release of that name was created by someone else meanwhile (${errorMessage(error)})`
        );
      }
      throw error; // our own install failed and left a release behind: the caller removes it
    }
    return { acquired: true };
  }

  /**
   * The post step runs as the main step's holder (the same workflow run): it holds what the main step
   * took, so it may delete that lease at the outcome.
   */
  adopt(holder: string): void {
    if (this.seen && this.seen.marks.holder === holder) this.held = this.seen;
  }

  /** Rewrites the marks (a pause, the check run id) on the lease this run holds; takes it if it holds none. */
  async mark(marks: Record<string, string>): Promise<void> {
    if (!this.held) {
      const taken = await this.take(marks);
      if (!taken.acquired) throw new Error(`could not write the marks on ${this.where}: ${taken.reason}`);
      return;
    }
    try {
      this.held = await this.store.update(marks, this.held);
    } catch (error) {
      if (error instanceof MarksConflictError) {
        throw new Error(`${this.where} was changed by someone else: ${error.message}`);
      }
      throw error;
    }
  }

  /**
   * Writes the marks only when something besides the lease's end changed (the check run id became
   * known after the install): a rollout writes the lease once or twice, never at every step.
   */
  async refresh(marks: Record<string, string>): Promise<void> {
    const held = this.held?.marks;
    if (!held || Object.keys(marks).length === 0) return;
    const changed = Object.keys({ ...held, ...marks }).some(
      (key) => key !== 'leaseUntil' && held[key] !== marks[key]
    );
    if (changed) await this.mark({ ...marks, leaseUntil: held.leaseUntil ?? marks.leaseUntil });
  }

  /**
   * Deletes the lease once no canary is left. `held`: only one this run took; `any`: also the one it
   * read (a rollback or promotion by hand removes the canary another run drove). A lease someone made
   * or took since (another uid, or a newer write) is left alone.
   */
  async release(scope: 'held' | 'any'): Promise<void> {
    const known = this.held ?? (scope === 'any' ? this.seen : undefined);
    if (!known) return;
    const current = await this.store.read();
    this.held = undefined;
    this.seen = undefined;
    if (!current || current.uid !== known.uid) return;
    if (scope === 'held' && current.resourceVersion !== known.resourceVersion) return;
    await this.store.remove(current);
  }

  private async confirm(holder: string | undefined): Promise<LockResult> {
    const back = await this.store.read();
    this.seen = back;
    if (!back || back.marks.holder !== holder) {
      return refused(heldBy({ exists: true, marks: back?.marks }));
    }
    this.held = back;
    return { acquired: true };
  }
}

/** The canary release as Helm shows it, with its marks from the lease and the weight where its router keeps it. */
export async function readCanary(
  deps: { deployer: Pick<Deployer, 'canaryState'>; router: Pick<TrafficRouter, 'describe'> },
  lease: CanaryLease
): Promise<CanaryState> {
  const state = await deps.deployer.canaryState();
  if (!state.exists) return state;
  const marks = (await lease.read()) ?? {};
  return { ...state, marks, weight: (await deps.router.describe(state)).weight };
}

function refused(reason: string): LockResult {
  return { acquired: false, reason };
}
