import { Semaphore } from '@fieldsync/messaging';

/**
 * Who may execute now: at most `perConnection` commands of one connection and `total` in all, each
 * queue served in arrival order. A burst on one connection holds at most its share of the slots, so
 * other connections' commands never wait behind it (they wait only when `total / perConnection`
 * connections are all busy at once). A connection's semaphore exists while it has commands.
 */
export class ExecutionSlots {
  private readonly all: Semaphore;
  private readonly byConnection = new Map<string, { semaphore: Semaphore; users: number }>();

  constructor(
    readonly total: number,
    readonly perConnection: number,
  ) {
    this.all = new Semaphore(total);
  }

  async run<T>(connectionId: string, task: () => Promise<T>): Promise<T> {
    let entry = this.byConnection.get(connectionId);
    if (!entry) {
      entry = { semaphore: new Semaphore(Math.min(this.perConnection, this.total)), users: 0 };
      this.byConnection.set(connectionId, entry);
    }
    entry.users += 1;
    const own = entry;
    try {
      await own.semaphore.acquire();
      try {
        await this.all.acquire();
        try {
          return await task();
        } finally {
          this.all.release();
        }
      } finally {
        own.semaphore.release();
      }
    } finally {
      own.users -= 1;
      if (own.users === 0) this.byConnection.delete(connectionId);
    }
  }

  /** Connections with commands running or waiting (for metrics and tests). */
  get connections(): number {
    return this.byConnection.size;
  }
}
