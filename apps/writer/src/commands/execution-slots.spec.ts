import { ExecutionSlots } from './execution-slots';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

describe('ExecutionSlots', () => {
  it("keeps a burst on one connection to its share, so another connection's command runs at once", async () => {
    const slots = new ExecutionSlots(4, 2);
    const gate = deferred();
    let runningA = 0;
    let maxA = 0;
    const burst = Array.from({ length: 10 }, () =>
      slots.run('con_a', async () => {
        runningA += 1;
        maxA = Math.max(maxA, runningA);
        await gate.promise;
        runningA -= 1;
      }),
    );
    await tick();
    let ranB = false;
    await slots.run('con_b', async () => {
      ranB = true;
    });
    expect(ranB).toBe(true);
    expect(maxA).toBe(2);
    gate.resolve();
    await Promise.all(burst);
    expect(maxA).toBe(2);
    expect(slots.connections).toBe(0);
  });

  it('never runs more than the total across connections', async () => {
    const slots = new ExecutionSlots(3, 2);
    const gate = deferred();
    let running = 0;
    let max = 0;
    const tasks = ['a', 'a', 'b', 'b', 'c', 'c'].map((c) =>
      slots.run(`con_${c}`, async () => {
        running += 1;
        max = Math.max(max, running);
        await gate.promise;
        running -= 1;
      }),
    );
    await tick();
    expect(running).toBe(3);
    gate.resolve();
    await Promise.all(tasks);
    expect(max).toBe(3);
  });

  it('releases its slots when a task fails', async () => {
    const slots = new ExecutionSlots(1, 1);
    await expect(slots.run('con_a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run('con_a', () => Promise.resolve('next'))).resolves.toBe('next');
  });
});
