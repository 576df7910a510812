// Clock port: the engine asks it for time and sleeps through it, so tests never wait for real time.
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts (cancellation must not wait out a soak). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node's timers hold at most this many milliseconds; a longer delay fires after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const until = Date.now() + Math.max(0, ms);
      let timer: ReturnType<typeof setTimeout>;
      // Long sleeps are cut into timers Node can hold, so they never overflow into a busy loop.
      const arm = (): void => {
        const left = until - Date.now();
        if (left <= 0) return done();
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      };
      signal?.addEventListener('abort', done, { once: true });
      arm();
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    })
};
