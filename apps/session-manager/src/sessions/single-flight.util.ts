/**
 * One running task per key: a caller that comes while a task for its key runs gets the same promise.
 * The key is free again once the task settles.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) return running;
    const promise = task().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }

  /** Resolves once every task running now has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
