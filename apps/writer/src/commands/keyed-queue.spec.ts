import { KeyedQueue, orderingKey } from './keyed-queue';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('KeyedQueue', () => {
  it('runs tasks of one key in order and tasks of other keys at once', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const gate = deferred();
    const first = queue.run('job-1', async () => {
      log.push('a:start');
      await gate.promise;
      log.push('a:end');
    });
    const second = queue.run('job-1', async () => {
      log.push('b');
    });
    const other = queue.run('job-2', async () => {
      log.push('c');
    });
    await other;
    expect(log).toEqual(['a:start', 'c']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['a:start', 'c', 'a:end', 'b']);
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(0);
  });

  it('goes on with the next task of a key after a failure, and reports the failure to its caller', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('k', () => Promise.reject(new Error('vendor down')));
    const next = queue.run('k', () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('vendor down');
    await expect(next).resolves.toBe('ran');
  });
});

describe('orderingKey', () => {
  const base = { connectionId: 'con_1', idempotencyKey: 'k1' };
  it('orders by the entity a command changes, per connection', () => {
    expect(orderingKey({ ...base, type: 'job.dispatch', payload: { jobId: 'job_x' } })).toBe('con_1:job_x');
    expect(orderingKey({ ...base, type: 'payment.record', payload: { invoiceId: 'inv_y' } })).toBe(
      'con_1:inv_y',
    );
    expect(orderingKey({ ...base, type: 'job.create', payload: { customerId: 'cus_z' } })).toBe(
      'con_1:cus_z',
    );
  });
  it('gives a create without a parent its own key', () => {
    expect(orderingKey({ ...base, type: 'client.create', payload: { displayName: 'A' } })).toBe(
      'con_1:key:k1',
    );
  });
});
