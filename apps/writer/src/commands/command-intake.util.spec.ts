import { commandResultSchema, newCommandId } from '@fieldsync/canonical-model';
import { commandSubject } from '@fieldsync/messaging';
import { fuzzCommands, validPayloads } from '../__fixtures__/command-fuzz.fixture';
import { requestFingerprint, subjectParts, takeCommand } from './command-intake.util';

const TENANT = 'tnt_intake';
const CONNECTION = 'con_intake';
const now = new Date('2026-11-21T08:00:00Z');
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function valid(type: string, overrides: Record<string, unknown> = {}) {
  return {
    commandId: newCommandId(),
    idempotencyKey: 'order-1',
    tenantId: TENANT,
    connectionId: CONNECTION,
    type,
    payload: validPayloads(CONNECTION)[type],
    requestedAt: '2026-11-21T08:00:00Z',
    ...overrides,
  };
}

describe('command intake', () => {
  it('takes a valid command of every type that agrees with its subject and Nats-Msg-Id', () => {
    for (const type of Object.keys(validPayloads(CONNECTION))) {
      const command = valid(type);
      const intake = takeCommand(encode(command), {
        subject: commandSubject({ tenantId: TENANT, connectionId: CONNECTION, type }),
        msgId: command.commandId,
        now,
      });
      expect(intake).toMatchObject({ ok: true, command: { type, commandId: command.commandId } });
    }
  });

  it('splits a dotted command type off the subject', () => {
    expect(subjectParts('fsm.commands.t1.c1.job.status.update')).toEqual({
      tenantId: 't1',
      connectionId: 'c1',
      type: 'job.status.update',
    });
  });

  it("rejects a command published under another tenant's or connection's subject, naming the field", () => {
    const command = valid('job.status.update');
    const intake = takeCommand(encode(command), {
      subject: commandSubject({ tenantId: 'tnt_other', connectionId: CONNECTION, type: 'job.status.update' }),
      msgId: command.commandId,
      now,
    });
    expect(intake).toMatchObject({
      ok: false,
      tenantId: 'tnt_other',
      result: { status: 'rejected', error: { code: 'validation_failed', field: 'tenantId' } },
    });
  });

  it('rejects a commandId that differs from Nats-Msg-Id', () => {
    const command = valid('quote.convert');
    const intake = takeCommand(encode(command), {
      subject: commandSubject({ tenantId: TENANT, connectionId: CONNECTION, type: 'quote.convert' }),
      msgId: newCommandId(),
      now,
    });
    expect(intake).toMatchObject({ ok: false, result: { error: { field: 'commandId' } } });
  });

  it('cannot address a rejection without any command id: no result, a reason for the DLQ', () => {
    const intake = takeCommand(new TextEncoder().encode('{"nope":'), {
      subject: commandSubject({ tenantId: TENANT, connectionId: CONNECTION, type: 'job.create' }),
      msgId: 'not-a-command-id',
      now,
    });
    expect(intake).toMatchObject({ ok: false, result: undefined });
    expect(intake.ok ? '' : intake.reason).toContain('not JSON');
  });

  it('rejects 1,000 fuzzed malformed commands, each with a valid result naming the mutated field', () => {
    const cases = fuzzCommands({ tenantId: TENANT, connectionId: CONNECTION, count: 1_000, seed: 20261121 });
    const mutations = new Set<string>();
    for (const fuzz of cases) {
      const intake = takeCommand(fuzz.data, {
        subject: commandSubject({ tenantId: TENANT, connectionId: CONNECTION, type: fuzz.type }),
        msgId: fuzz.commandId,
        now,
      });
      if (intake.ok) throw new Error(`accepted a malformed command (${fuzz.mutation})`);
      const result = commandResultSchema.parse(intake.result);
      expect(result).toMatchObject({
        commandId: fuzz.commandId,
        status: 'rejected',
        error: { code: 'validation_failed' },
      });
      const fields = [result.error?.field, ...(result.error?.issues ?? []).map((i) => i.field)];
      if (
        !fields.some(
          (f) =>
            f !== undefined &&
            (f === fuzz.field || f.startsWith(`${fuzz.field}.`) || f.startsWith(`${fuzz.field}[`)),
        )
      ) {
        throw new Error(`${fuzz.mutation}: expected ${fuzz.field}, the rejection named ${fields.join(', ')}`);
      }
      mutations.add(fuzz.mutation.split(' ')[0] ?? '');
    }
    expect(mutations.size).toBeGreaterThanOrEqual(8);
  });

  it('fingerprints what is asked, not the ids of a retry', () => {
    const a = valid('job.dispatch') as never;
    const b = {
      ...(valid('job.dispatch') as object),
      commandId: newCommandId(),
      requestedAt: '2026-11-22T00:00:00Z',
    } as never;
    expect(requestFingerprint(a)).toBe(requestFingerprint(b));
    const c = valid('job.dispatch', {
      payload: { ...validPayloads(CONNECTION)['job.dispatch'], allowOverlap: true },
    });
    expect(requestFingerprint(c as never)).not.toBe(requestFingerprint(a));
  });
});
