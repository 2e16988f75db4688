/**
 * Runs tasks one after another per key, in the order they were queued, and tasks of different keys
 * concurrently: commands for the same entity apply in the order they were received, while other
 * entities and other connections never wait for them. Keys with nothing queued hold no memory.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size;
  }
}

/** Which entity a command is about (its ordering key): later commands for it wait for earlier ones. */
export function orderingKey(command: {
  connectionId: string;
  type: string;
  idempotencyKey: string;
  payload: Record<string, unknown>;
}): string {
  const p = command.payload;
  const id = (field: string): string | undefined => (typeof p[field] === 'string' ? p[field] : undefined);
  const entity =
    id('jobId') ??
    id('estimateId') ??
    id('invoiceId') ??
    id('paymentId') ??
    id('customerId') ??
    id('parentId');
  return `${command.connectionId}:${entity ?? `key:${command.idempotencyKey}`}`;
}
