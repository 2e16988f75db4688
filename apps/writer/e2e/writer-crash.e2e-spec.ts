import type { CommandResult } from '@fieldsync/canonical-model';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes: the writer SIGKILLs itself right after the vendor accepted a write and
 * before any bookkeeping (WRITER_TEST_CRASH_AFTER_VENDOR_WRITE=1), 50 times over. Each time a new writer
 * takes the redelivered command over (its lease expired), finds the command's marker (or natural key)
 * at the vendor and completes it without writing again. Counted in the sandbox's ground truth: one
 * customer, job, invoice and payment per command, never two.
 */

jest.setTimeout(900_000);

const CRASHES = 50;

const address = (n: number) => ({
  line1: `${100 + n} Crash Test Ave`,
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
});

type VendorName = 'servicetitan' | 'jobber';
const TRUTH = {
  servicetitan: { customer: 'customers', job: 'jobs', invoice: 'invoices', payment: 'payments' },
  jobber: { customer: 'clients', job: 'jobs', invoice: 'invoices', payment: 'paymentRecords' },
} as const;
type Counted = keyof (typeof TRUTH)['servicetitan'];

describe('writer: SIGKILL right after the vendor accepted a write, 50 times → no duplicate vendor record', () => {
  let world: WriterWorld;

  beforeAll(async () => {
    world = await startWriterWorld({ name: 'crash' });
  });

  afterAll(async () => {
    await world?.close();
  });

  const counts = async (vendor: VendorName): Promise<Record<Counted, number>> => {
    const out = {} as Record<Counted, number>;
    for (const [entity, exportName] of Object.entries(TRUTH[vendor]) as [Counted, string][]) {
      out[entity] = (await world.groundTruth(vendor, exportName)).length;
    }
    return out;
  };

  it('completes every command once: 0 duplicate customers, jobs, invoices or payments', async () => {
    const before = { servicetitan: await counts('servicetitan'), jobber: await counts('jobber') };
    const made: Record<VendorName, Record<Counted, number>> = {
      servicetitan: { customer: 0, job: 0, invoice: 0, payment: 0 },
      jobber: { customer: 0, job: 0, invoice: 0, payment: 0 },
    };
    const env = {
      WRITER_TEST_CRASH_AFTER_VENDOR_WRITE: '1',
      // A crashed writer's command comes back after the ack wait; its key's lease runs out as quickly.
      WRITER_ACK_WAIT: '1s',
      WRITER_LEASE: '1s',
      WRITER_IN_FLIGHT_WAIT: '5s',
    };
    // Per vendor, the chain a contractor's integration would send: customer → job → invoice → payment.
    const state: Record<
      VendorName,
      { customerId?: string; locationId?: string; jobId?: string; invoiceId?: string }
    > = {
      servicetitan: {},
      jobber: {},
    };
    const start = new Date(Date.now() + 5 * 86_400_000);
    start.setUTCHours(14, 0, 0, 0);
    const nextCommand = (
      i: number,
    ): { vendor: VendorName; entity: Counted; command: ReturnType<WriterWorld['command']> } => {
      const vendor: VendorName = i % 2 === 0 ? 'servicetitan' : 'jobber';
      const s = state[vendor];
      const step = Math.floor(i / 2) % 4;
      if (step === 0 || !s.customerId || !s.locationId) {
        return {
          vendor,
          entity: 'customer',
          command: world.command(vendor, 'client.create', {
            displayName: `Crash Customer ${vendor} ${i}`,
            // A ServiceTitan customer has one name: its write refuses a first and last name.
            ...(vendor === 'servicetitan' ? {} : { firstName: 'Crash', lastName: `Customer ${i}` }),
            primaryContact: { name: `Crash Customer ${i}`, email: `crash.${vendor}.${i}@example.com` },
            billingAddress: address(i),
          }),
        };
      }
      if (step === 1 || !s.jobId) {
        const at = new Date(start.getTime() + i * 3_600_000);
        return {
          vendor,
          entity: 'job',
          command: world.command(vendor, 'job.create', {
            customerId: s.customerId,
            locationId: s.locationId,
            title: `Crash job ${i}`,
            appointment: { scheduledStart: at.toISOString(), durationMinutes: 60 },
          }),
        };
      }
      if (step === 2 || !s.invoiceId) {
        return {
          vendor,
          entity: 'invoice',
          command: world.command(vendor, 'invoice.create', {
            jobId: s.jobId,
            currency: 'USD',
            lineItems: [{ description: `Crash work ${i}`, quantity: 1, unitPrice: 100 }],
          }),
        };
      }
      return {
        vendor,
        entity: 'payment',
        command: world.command(vendor, 'payment.record', {
          invoiceId: s.invoiceId,
          currency: 'USD',
          amount: 10,
          method: 'cash',
          memo: `Crash payment ${i}`,
        }),
      };
    };
    const remember = (vendor: VendorName, entity: Counted, result: CommandResult): void => {
      const data = result.result ?? {};
      const s = state[vendor];
      if (entity === 'customer') {
        s.customerId = data['customerId'] as string;
        s.locationId = (data['locationIds'] as string[])[0];
        s.jobId = undefined;
        s.invoiceId = undefined;
      } else if (entity === 'job') s.jobId = data['jobId'] as string;
      else if (entity === 'invoice') s.invoiceId = data['invoiceId'] as string;
    };

    let writer = await world.startWriter(env);
    let crashes = 0;
    const problems: string[] = [];
    for (let i = 0; crashes < CRASHES; i += 1) {
      const { vendor, entity, command } = nextCommand(i);
      await world.publish(command);
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        writer.service.exited,
        new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 60_000, undefined))),
      ]).finally(() => clearTimeout(timer));
      if (exit?.signal !== 'SIGKILL') {
        throw new Error(
          `command ${i} (${vendor} ${command.type}): the writer did not crash after the vendor write\n${writer.service.output().slice(-3_000)}`,
        );
      }
      crashes += 1;
      // The next writer takes the command over from its recovery point (and crashes on the next one).
      writer = await world.startWriter(env);
      const [result] = await world.resultsFor([command.commandId], 60_000);
      if (result?.status !== 'succeeded') {
        problems.push(`${vendor} ${command.type}: ${result?.status} ${JSON.stringify(result?.error)}`);
        continue;
      }
      made[vendor][entity] += 1;
      remember(vendor, entity, result);
    }
    await writer.service.stop();
    expect(crashes).toBe(CRASHES);
    expect(problems).toEqual([]);
    // The sandbox renders one business for every vendor: each export counts both vendors' new records.
    const want = Object.fromEntries(
      (Object.keys(made.servicetitan) as Counted[]).map((entity) => [
        entity,
        made.servicetitan[entity] + made.jobber[entity],
      ]),
    );
    for (const vendor of ['servicetitan', 'jobber'] as const) {
      const after = await counts(vendor);
      const added = Object.fromEntries(
        (Object.keys(want) as Counted[]).map((entity) => [entity, after[entity] - before[vendor][entity]]),
      );
      // Every command made its record once: as many new vendor records as succeeded commands, none twice.
      expect({ vendor, added }).toEqual({ vendor, added: want });
    }
    const total = Object.values(made).reduce((n, m) => n + m.customer + m.job + m.invoice + m.payment, 0);
    expect(total).toBe(CRASHES);
  });
});
