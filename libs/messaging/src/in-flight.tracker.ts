/** The handlers running now, so shutdown can wait for them (bounded). */
export class InFlightTracker {
  private readonly tasks = new Set<Promise<void>>();

  get size(): number {
    return this.tasks.size;
  }

  /** Counts `task` until it settles; returns the tracked promise. */
  track(task: Promise<void>): Promise<void> {
    const tracked = task.finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
    return tracked;
  }

  /** Waits for the running handlers, at most `timeoutMs`; resolves to whether time ran out first. */
  async settle(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.allSettled([...this.tasks]).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return timedOut;
  }
}
