import { JobberCostGovernor, type GovernorClock } from './jobber-cost.governor';
import type { JobberCost } from './jobber.schemas';

/** A clock whose sleeps advance it (and record how long each was). */
function fakeClock(): GovernorClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number, signal: AbortSignal) => {
      if (signal.aborted) throw signal.reason;
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

const answer = (requested: number, available: number): JobberCost => ({
  requestedQueryCost: requested,
  actualQueryCost: requested,
  throttleStatus: { maximumAvailable: 10_000, currentlyAvailable: available, restoreRate: 500 },
});

const signal = new AbortController().signal;

describe('JobberCostGovernor', () => {
  it('lets requests through until an answer reports the bucket, then waits for what a request costs', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    // nothing known yet: no wait
    (await governor.acquire('clients', signal)).settle(answer(2_001, 7_999));
    (await governor.acquire('clients', signal)).settle(answer(2_001, 5_998));
    (await governor.acquire('clients', signal)).settle(answer(2_001, 3_997));
    (await governor.acquire('clients', signal)).settle(answer(2_001, 1_996));
    expect(clock.sleeps).toEqual([]);
    // 1,996 held, 2,001 needed: 5 points short at 500/s → 10 ms
    (await governor.acquire('clients', signal)).settle(answer(2_001, 0));
    expect(clock.sleeps).toEqual([10]);
    // empty: 2,001 points take 4,002 ms to restore
    await governor.acquire('clients', signal);
    expect(clock.sleeps).toEqual([10, 4_002]);
  });

  it('counts what the bucket restored since the report, up to its maximum', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    (await governor.acquire('jobs', signal)).settle(answer(3_000, 1_000));
    clock.t += 4_000; // +2,000 restored → 3,000: exactly enough
    (await governor.acquire('jobs', signal)).settle(answer(3_000, 0));
    expect(clock.sleeps).toEqual([]);
    clock.t += 3_600_000; // full again, never above the maximum
    (await governor.acquire('jobs', signal)).settle(answer(3_000, 7_000));
    expect(clock.sleeps).toEqual([]);
  });

  it('reserves the cost of requests still in flight, so two streams do not spend the same points', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    (await governor.acquire('clients', signal)).settle(answer(2_000, 4_000));
    const first = await governor.acquire('clients', signal); // 2,000 reserved of 4,000
    const second = await governor.acquire('clients', signal); // the other 2,000
    expect(clock.sleeps).toEqual([]);
    const third = governor.acquire('clients', signal); // needs 2,000 more than the 4,000 in flight: 4 s
    await third;
    expect(clock.sleeps).toEqual([4_000]);
    first.settle(answer(2_000, 2_000));
    second.settle(answer(2_000, 0));
  });

  it('expects an operation not seen yet to cost as much as the largest seen', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    (await governor.acquire('jobs', signal)).settle(answer(5_000, 1_000));
    await governor.acquire('visits', signal);
    expect(clock.sleeps).toEqual([8_000]); // 4,000 short
  });

  it('lets a request larger than the whole bucket go once the bucket is full (the vendor refuses it)', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    (await governor.acquire('huge', signal)).settle(answer(12_000, 9_000));
    await governor.acquire('huge', signal);
    expect(clock.sleeps).toEqual([2_000]); // waits for a full bucket (10,000), not for 12,000 forever
  });

  it('settles a permit once, and learns nothing from an answer without cost', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    (await governor.acquire('clients', signal)).settle(answer(2_000, 2_000));
    const permit = await governor.acquire('clients', signal);
    permit.settle(undefined);
    permit.settle(undefined); // a second settle does not release the reservation twice
    const next = await governor.acquire('clients', signal);
    expect(clock.sleeps).toEqual([]);
    const after = governor.acquire('clients', signal); // 2,000 in flight of 2,000 held: 4 s
    await after;
    expect(clock.sleeps).toEqual([4_000]);
    next.settle(undefined);
  });

  it('gives up waiting when the caller is aborted', async () => {
    const clock = fakeClock();
    const governor = new JobberCostGovernor(clock);
    (await governor.acquire('clients', signal)).settle(answer(2_000, 0));
    const controller = new AbortController();
    controller.abort(new Error('stream stopped'));
    await expect(governor.acquire('clients', controller.signal)).rejects.toThrow('stream stopped');
    // the turn passes on: the next caller is not stuck behind the aborted one
    await governor.acquire('clients', signal);
    expect(clock.sleeps).toEqual([4_000]);
  });
});
