// The one way to stop waiting: for a time limit pass AbortSignal.timeout(ms), for a cancellation
// the run's signal. The work itself goes on (reporting, a hanging query); only the wait ends.

/** Settles as `work` does, or rejects with the signal's reason as soon as the signal aborts. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      }
    );
  });
}

/** True for the reason AbortSignal.timeout() aborts with. */
export function isTimeout(reason: unknown): boolean {
  // A DOMException, which is not always `instanceof Error` across realms: look at the name.
  return (
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError'
  );
}
