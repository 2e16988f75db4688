import { commandResultSchema, type CommandResult } from '@fieldsync/canonical-model';
import { fuzzCommands } from '../src/__fixtures__/command-fuzz.fixture';
import { startWriterWorld, TENANT, type WriterWorld } from './writer-harness.util';

/*
 * The writer process against the real sandbox and services: the same command sent 5 times under one
 * idempotency key makes one vendor record (counted in the sandbox's ground truth) and answers
 * `succeeded` once and `replayed` four times; the key with another payload is refused; 1,000 fuzzed
 * malformed commands are answered `rejected` each naming a field, and the same writer process keeps
 * serving (never restarts).
 */

jest.setTimeout(480_000);

const address = (line1: string) => ({
  line1,
  line2: null,
  city: 'San Diego',
  region: 'CA',
  postalCode: '92101',
  country: 'US',
  geo: null,
});

describe('writer: idempotency and malformed commands (sandbox, real services)', () => {
  let world: WriterWorld;
  let writerPid: number | undefined;

  beforeAll(async () => {
    world = await startWriterWorld({ name: 'idem' });
    const writer = await world.startWriter();
    writerPid = writer.service.child.pid;
  });

  afterAll(async () => {
    await world?.close();
  });

  it.each(['servicetitan', 'jobber'] as const)(
    '%s: the same client.create 5 times under one key → one vendor customer, succeeded once and replayed 4 times',
    async (vendor) => {
      const key = `idem-${vendor}-${Date.now()}`;
      const name = `Idempotent Ida ${vendor} ${Date.now()}`;
      const payload = {
        displayName: name,
        // A ServiceTitan customer has one name: its write refuses a first and last name.
        ...(vendor === 'servicetitan'
          ? {}
          : { firstName: 'Ida', lastName: `Idempotent ${vendor} ${Date.now()}` }),
        primaryContact: { name, email: `ida.${Date.now()}@example.com` },
        billingAddress: address('100 Idempotency Way'),
      };
      const truthKey = vendor === 'servicetitan' ? 'customers' : 'clients';
      const before = (await world.groundTruth(vendor, truthKey)).length;
      const sends = Array.from({ length: 5 }, () => world.command(vendor, 'client.create', payload, key));
      // All five at once: the later ones meet the first in flight and wait for it.
      await Promise.all(sends.map((c) => world.publish(c)));
      const results = await world.resultsFor(sends.map((c) => c.commandId));
      for (const r of results) commandResultSchema.parse(r);
      expect(results.filter((r) => r.status === 'succeeded' && !r.replayed)).toHaveLength(1);
      expect(results.filter((r) => r.status === 'succeeded' && r.replayed === true)).toHaveLength(4);
      const first = results.find((r) => !r.replayed) as CommandResult;
      for (const r of results) expect(r.result).toEqual(first.result);
      expect((await world.groundTruth(vendor, truthKey)).length).toBe(before + 1);

      // The same key with another request: refused, nothing written.
      const other = world.command(
        vendor,
        'client.create',
        { ...payload, displayName: `${name} (other)` },
        key,
      );
      await world.publish(other);
      const [reused] = await world.resultsFor([other.commandId]);
      expect(reused).toMatchObject({
        status: 'rejected',
        error: { code: 'idempotency_key_reused', field: 'idempotencyKey' },
      });
      expect((await world.groundTruth(vendor, truthKey)).length).toBe(before + 1);

      // The customer reached the canonical store and FSM_EVENTS through the outbox, once.
      const customerId = first.result?.['customerId'] as string;
      const created = (await world.events()).filter(
        (e) => e.subject === customerId && e.type === 'customer.created',
      );
      expect(created).toHaveLength(1);
    },
  );

  it('answers 1,000 fuzzed malformed commands with 1,000 rejections naming a field; the writer keeps running', async () => {
    const cases = fuzzCommands({
      tenantId: TENANT,
      connectionId: world.connections.servicetitan,
      count: 1_000,
      seed: 1121,
    });
    for (const fuzz of cases) {
      await world.publishRaw(
        { connectionId: world.connections.servicetitan, type: fuzz.type },
        fuzz.data,
        fuzz.commandId,
      );
    }
    const results = await world.resultsFor(
      cases.map((c) => c.commandId),
      180_000,
    );
    const wrong = results.flatMap((result, i) => {
      const fuzz = cases[i];
      if (!fuzz) return [];
      const fields = [result.error?.field, ...(result.error?.issues ?? []).map((issue) => issue.field)];
      const named = fields.some(
        (f) =>
          f !== undefined &&
          (f === fuzz.field || f.startsWith(`${fuzz.field}.`) || f.startsWith(`${fuzz.field}[`)),
      );
      return result.status === 'rejected' && result.error?.code === 'validation_failed' && named
        ? []
        : [{ mutation: fuzz.mutation, status: result.status, error: result.error }];
    });
    expect(wrong).toEqual([]);
    // The same process answered them all, and still serves a valid command.
    const valid = world.command('servicetitan', 'client.create', {
      displayName: `After Fuzz ${Date.now()}`,
      billingAddress: address('1 After Fuzz Rd'),
    });
    await world.publish(valid);
    const [after] = await world.resultsFor([valid.commandId]);
    expect(after?.status).toBe('succeeded');
    expect(writerPid).toBeDefined();
    expect(() => process.kill(writerPid as number, 0)).not.toThrow();
  });
});
