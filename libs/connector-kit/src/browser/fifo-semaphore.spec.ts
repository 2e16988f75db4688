import { FifoSemaphore } from './fifo-semaphore';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('FifoSemaphore', () => {
  it('refuses a capacity that is not a positive integer, naming it', () => {
    expect(() => new FifoSemaphore(0)).toThrow(/capacity/);
    expect(() => new FifoSemaphore(1.5)).toThrow(/capacity/);
  });

  it('grants up to capacity at once and serves the waiters in arrival order', async () => {
    const semaphore = new FifoSemaphore(2);
    const order: string[] = [];
    const first = await semaphore.acquire();
    const second = await semaphore.acquire();
    const waiting = ['a', 'b', 'c'].map((name) => semaphore.acquire().then((release) => ({ name, release })));
    for (const w of waiting) void w.then(({ name }) => order.push(name));
    await flush();
    expect(semaphore.active).toBe(2);
    expect(semaphore.queued).toBe(3);
    expect(order).toEqual([]);

    first();
    await flush();
    expect(order).toEqual(['a']);
    second();
    second(); // a second call gives nothing back twice
    await flush();
    expect(order).toEqual(['a', 'b']);
    expect(semaphore.active).toBe(2);
    expect(semaphore.queued).toBe(1);

    const a = await waiting[0];
    a?.release();
    await flush();
    expect(order).toEqual(['a', 'b', 'c']);
    (await waiting[1])?.release();
    (await waiting[2])?.release();
    expect(semaphore.active).toBe(0);
  });

  it('does not let a newcomer overtake the queue when a slot is released', async () => {
    const semaphore = new FifoSemaphore(1);
    const held = await semaphore.acquire();
    const queued = semaphore.acquire();
    held();
    const newcomer = semaphore.acquire();
    let newcomerGranted = false;
    void newcomer.then(() => (newcomerGranted = true));
    (await queued)();
    await flush();
    expect(newcomerGranted).toBe(true);
    (await newcomer)();
    expect(semaphore.active).toBe(0);
  });

  it('drops a waiter whose signal aborts, with the error the caller maps the reason to', async () => {
    const semaphore = new FifoSemaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const aborted = semaphore.acquire(controller.signal, (reason) => new Error(`gave up: ${String(reason)}`));
    const next = semaphore.acquire();
    expect(semaphore.queued).toBe(2);
    controller.abort('shutdown');
    await expect(aborted).rejects.toThrow('gave up: shutdown');
    expect(semaphore.queued).toBe(1);
    held();
    (await next)();
    expect(semaphore.active).toBe(0);
  });

  it('rejects at once when the signal has already fired, and rejects all waiters on demand', async () => {
    const semaphore = new FifoSemaphore(1);
    await expect(semaphore.acquire(AbortSignal.abort('late'))).rejects.toThrow('aborted: late');
    const held = await semaphore.acquire();
    const waiters = [semaphore.acquire(), semaphore.acquire()];
    semaphore.rejectWaiting(new Error('closed'));
    for (const w of waiters) await expect(w).rejects.toThrow('closed');
    expect(semaphore.queued).toBe(0);
    held();
    expect(semaphore.active).toBe(0);
  });
});
