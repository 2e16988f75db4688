interface Waiter {
  grant(release: () => void): void;
  reject(error: Error): void;
}

const asError = (reason: unknown): Error =>
  reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);

/**
 * A counting semaphore whose waiters are served in arrival order (a released slot goes straight to
 * the oldest waiter, so a newcomer never overtakes the queue). A waiter leaves the queue when its
 * AbortSignal fires.
 */
export class FifoSemaphore {
  private inUse = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity: must be an integer >= 1, got ${String(capacity)}`);
    }
  }

  /** Slots held now. */
  get active(): number {
    return this.inUse;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with the function that gives the slot back (calling it twice is harmless). Rejects with
   * `abortError(signal.reason)` when `signal` fires first.
   */
  acquire(signal?: AbortSignal, abortError: (reason: unknown) => Error = asError): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.inUse += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(abortError(signal?.reason));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Rejects every waiter with `error` (the slots in use stay in use until released). */
  rejectWaiting(error: Error): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant(this.releaser());
      else this.inUse -= 1;
    };
  }
}
