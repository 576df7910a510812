// Reporter port: receives every state change of the rollout. Implementations must never throw
// into the engine; the engine also guards each call so reporting cannot block a rollback.
import type { RolloutRecord } from '../rollout/record.js';

export interface Reporter {
  /** The canary is starting. */
  start(record: RolloutRecord): Promise<void>;
  /** A step changed or a tick arrived; implementations throttle as they see fit. */
  update(record: RolloutRecord): Promise<void>;
  /** The rollout reached a decision (promoted, rolled-back, failed, paused, cancelled, none). */
  finish(record: RolloutRecord): Promise<void>;
}
