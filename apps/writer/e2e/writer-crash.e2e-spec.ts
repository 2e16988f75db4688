import {
  countsFromExports,
  crashAddress,
  proveExactlyOnceAcrossCrashes,
  type CrashCase,
} from './writer-crash-proof.util';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes on ServiceTitan and Jobber (writer-crash-proof.util.ts): the writer SIGKILLs
 * itself right after the vendor accepted a write and before any bookkeeping, 50 times over, the commands
 * alternating between the two vendors' chains. Each time a new writer takes the redelivered command over
 * (its lease expired), finds the command's marker (or natural key) at the vendor and completes it without
 * writing again. Counted in the sandbox's ground truth: one customer, job, invoice and payment per
 * command, never two.
 */

jest.setTimeout(900_000);

const CRASHES = 50;

const apiCase = (
  vendor: 'servicetitan' | 'jobber',
  exports: Parameters<typeof countsFromExports>[1],
): CrashCase => ({
  vendor,
  counts: countsFromExports(vendor, exports),
  customer: (i) => ({
    displayName: `Crash Customer ${vendor} ${i}`,
    // A ServiceTitan customer has one name: its write refuses a first and last name.
    ...(vendor === 'servicetitan' ? {} : { firstName: 'Crash', lastName: `Customer ${i}` }),
    primaryContact: { name: `Crash Customer ${i}`, email: `crash.${vendor}.${i}@example.com` },
    billingAddress: crashAddress(i),
  }),
  line: (i) => ({ description: `Crash work ${i}`, quantity: 1, unitPrice: 100 }),
});

describe('writer: SIGKILL right after the vendor accepted a write, 50 times → no duplicate vendor record', () => {
  let world: WriterWorld;

  beforeAll(async () => {
    world = await startWriterWorld({ name: 'crash' });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('completes every command once: 0 duplicate customers, jobs, invoices or payments', async () => {
    await proveExactlyOnceAcrossCrashes(
      world,
      [
        apiCase('servicetitan', {
          customer: 'customers',
          job: 'jobs',
          invoice: 'invoices',
          payment: 'payments',
        }),
        apiCase('jobber', {
          customer: 'clients',
          job: 'jobs',
          invoice: 'invoices',
          payment: 'paymentRecords',
        }),
      ],
      CRASHES,
    );
  });
});
