import { cursorStateSchema, reconciliationAnswers, type CursorState } from '@fieldsync/persistence';
import { afterPage, checkpointOf, planRun, readsIncrementally } from './cursor-plan.util';
import type { DriftedRecord } from './page-mapping.util';

const options = { reconcileIntervalMs: 6 * 3_600_000, driftRetryMs: 3_600_000 };
const now = new Date('2026-12-07T12:00:00.000Z');
const later = new Date('2026-12-07T12:00:05.000Z');
const noDeletes = { signalsDeletes: false };
const state = (fields: Partial<CursorState>): CursorState =>
  cursorStateSchema.parse({ checkpoint: null, ...fields });
const drifted = (externalId: string | null): DriftedRecord =>
  ({ entity: 'job', externalId }) as unknown as DriftedRecord;

describe('planRun', () => {
  it('begins a pass from the beginning under a new generation and keeps the incremental checkpoint apart', () => {
    const plan = planRun(
      noDeletes,
      state({ checkpoint: '40', reconciledAt: '2026-12-07T05:00:00.000Z' }),
      3,
      now,
      options,
    );
    expect(plan.begins).toBe('pass');
    expect(plan.generation).toBe(4);
    expect(plan.state).toMatchObject({ checkpoint: null, pass: true, incremental: { checkpoint: '40' } });
    expect(readsIncrementally(plan.state)).toBe(true);
    expect(checkpointOf(plan.state, 'incremental')).toBe('40');
    expect(checkpointOf(plan.state, 'checkpoint')).toBeNull();
  });

  it('a backfill (nothing read yet) has no incremental part', () => {
    const plan = planRun(noDeletes, state({}), 0, now, options);
    expect(plan.begins).toBe('pass');
    expect(plan.state.incremental).toBeNull();
    expect(readsIncrementally(plan.state)).toBe(false);
    expect(() => checkpointOf(plan.state, 'incremental')).toThrow(/no incremental part/);
  });

  it('goes on with a pass in progress as it is, incremental checkpoint and generation included', () => {
    const inPass = state({ checkpoint: '12', pass: true, incremental: { checkpoint: '55' } });
    const plan = planRun(noDeletes, inPass, 4, now, options);
    expect(plan).toEqual({ state: inPass, generation: 4, begins: null });
  });

  it('reads a cursor stored before the incremental checkpoint existed: a pass in progress reads only the pass', () => {
    const stored = cursorStateSchema.parse({ checkpoint: '12', pass: true, reconciledAt: null });
    expect(stored.incremental).toBeNull();
    expect(readsIncrementally(stored)).toBe(false);
    expect(planRun(noDeletes, stored, 2, now, options)).toEqual({
      state: stored,
      generation: 2,
      begins: null,
    });
  });

  it('stamps the pass with the claim time, in the database clock, so a request made before it is answered by it', () => {
    const plan = planRun(noDeletes, state({}), 0, now, options, { claimedAt: '2026-12-07T11:59:59.500Z' });
    expect(plan.state.passStartedAt).toBe('2026-12-07T11:59:59.500Z');
    expect(planRun(noDeletes, state({}), 0, now, options).state.passStartedAt).toBe(now.toISOString());
  });

  describe('a requested reconciliation', () => {
    const reconciled = state({
      checkpoint: '40',
      reconciledAt: '2026-12-07T11:00:00.000Z',
      passStartedAt: '2026-12-07T10:59:00.000Z',
    });
    const claim = { claimedAt: '2026-12-07T12:00:00.000Z' };

    it('begins a pass before the interval when no pass began since the request', () => {
      const plan = planRun(noDeletes, reconciled, 3, now, options, {
        ...claim,
        reconcileRequestedAt: '2026-12-07T11:30:00.000Z',
      });
      expect(plan).toMatchObject({ begins: 'pass', generation: 4 });
      expect(plan.state).toMatchObject({ pass: true, passStartedAt: claim.claimedAt });
    });

    it('does not begin another when the last pass began after the request (it answered it)', () => {
      const plan = planRun(noDeletes, reconciled, 3, now, options, {
        ...claim,
        reconcileRequestedAt: '2026-12-07T10:58:00.000Z',
      });
      expect(plan).toEqual({ state: reconciled, generation: 3, begins: null });
    });

    it('lets a pass in progress that began before the request go on; the next run begins a new one', () => {
      const inPass = state({
        ...reconciled,
        pass: true,
        reconciledAt: null,
        incremental: { checkpoint: '40' },
      });
      const request = { ...claim, reconcileRequestedAt: '2026-12-07T11:30:00.000Z' };
      expect(planRun(noDeletes, inPass, 3, now, options, request)).toEqual({
        state: inPass,
        generation: 3,
        begins: null,
      });
      // That pass completes: it began before the request, so it does not answer it.
      const completed = afterPage(inPass, { checkpoint: '90', caughtUp: true }, [], now).next;
      expect(reconciliationAnswers(completed, request.reconcileRequestedAt)).toBe(false);
      const next = planRun(noDeletes, completed, 3, later, options, {
        ...request,
        claimedAt: '2026-12-07T12:00:05.000Z',
      });
      expect(next.begins).toBe('pass');
      // ...and the pass it begins does, once it completes.
      const done = afterPage(next.state, { checkpoint: '95', caughtUp: true }, [], later).next;
      expect(reconciliationAnswers(done, request.reconcileRequestedAt)).toBe(true);
    });

    it('is ignored by a stream that signals deletes', () => {
      const plan = planRun({ signalsDeletes: true }, reconciled, 3, now, options, {
        ...claim,
        reconcileRequestedAt: '2026-12-07T11:30:00.000Z',
      });
      expect(plan.begins).toBeNull();
    });
  });

  it('a stream that signals deletes never begins a pass', () => {
    const plan = planRun({ signalsDeletes: true }, state({ checkpoint: '9' }), 1, now, options);
    expect(plan).toMatchObject({ begins: null, generation: 1 });
    expect(plan.state.incremental).toBeNull();
  });
});

describe('afterPage', () => {
  const inPass = state({
    checkpoint: '12',
    pass: true,
    reconciledAt: '2026-12-07T05:00:00.000Z',
    incremental: { checkpoint: '55' },
  });

  it('an incremental page advances only the incremental checkpoint and never completes the pass', () => {
    const outcome = afterPage(inPass, { checkpoint: '58', caughtUp: true }, [], now, 'incremental');
    expect(outcome).toEqual({
      next: { ...inPass, incremental: { checkpoint: '58' } },
      passCompleted: false,
      passBlind: false,
    });
  });

  it('a pass page advances the pass and keeps the incremental checkpoint while the pass runs', () => {
    const outcome = afterPage(inPass, { checkpoint: '14', caughtUp: false }, [], now, 'checkpoint');
    expect(outcome).toEqual({
      next: { ...inPass, checkpoint: '14' },
      passCompleted: false,
      passBlind: false,
    });
  });

  it("the pass's last page completes it: the stream goes on from the pass's end, the incremental checkpoint dropped", () => {
    const outcome = afterPage(inPass, { checkpoint: '60', caughtUp: true }, [], later, 'checkpoint');
    expect(outcome).toEqual({
      next: {
        ...inPass,
        checkpoint: '60',
        pass: false,
        reconciledAt: later.toISOString(),
        incremental: null,
      },
      passCompleted: true,
      passBlind: false,
    });
  });

  it('drift met by the incremental part is re-read from the incremental checkpoint it was read from', () => {
    const outcome = afterPage(
      inPass,
      { checkpoint: '58', caughtUp: true },
      [drifted('7')],
      now,
      'incremental',
    );
    expect(outcome.next.driftFrom).toEqual({ checkpoint: '55', at: now.toISOString() });
    expect(outcome.passBlind).toBe(false);
    const onPass = afterPage(
      inPass,
      { checkpoint: '14', caughtUp: false },
      [drifted('7')],
      now,
      'checkpoint',
    );
    expect(onPass.next.driftFrom).toEqual({ checkpoint: '12', at: now.toISOString() });
  });

  it('a drifted record without an id met by the incremental part makes the pass blind until it completes', () => {
    const blind = afterPage(
      inPass,
      { checkpoint: '58', caughtUp: true },
      [drifted(null)],
      now,
      'incremental',
    );
    expect(blind).toMatchObject({ passBlind: true, passCompleted: false, next: { passBlind: true } });
    const end = afterPage(blind.next, { checkpoint: '60', caughtUp: true }, [], later, 'checkpoint');
    expect(end).toMatchObject({
      passCompleted: true,
      passBlind: true,
      next: { passBlind: false, pass: false },
    });
  });

  it('outside a pass a page moves the checkpoint as before and completes nothing', () => {
    const plain = state({ checkpoint: '40', reconciledAt: '2026-12-07T05:00:00.000Z' });
    const outcome = afterPage(plain, { checkpoint: '42', caughtUp: true }, [], now);
    expect(outcome).toEqual({ next: { ...plain, checkpoint: '42' }, passCompleted: false, passBlind: false });
  });

  it('refuses an incremental page when no pass holds an incremental checkpoint', () => {
    expect(() =>
      afterPage(state({ checkpoint: '40' }), { checkpoint: '42', caughtUp: true }, [], now, 'incremental'),
    ).toThrow(/no incremental part/);
  });
});
