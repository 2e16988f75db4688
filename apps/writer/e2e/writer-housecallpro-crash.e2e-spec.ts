import { crashAddress, proveExactlyOnceAcrossCrashes } from './writer-crash-proof.util';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes for Housecall Pro, as writer-crash does for ServiceTitan and Jobber
 * (writer-crash-proof.util.ts): the writer SIGKILLs itself right after the vendor accepted a write, 30 times
 * over, through the chain customer → job → invoice → payment (the payment through the web app's invoice
 * screen). Each time a new writer takes the redelivered command over, finds its effect (the customer by
 * natural key, the job by the marker in its note, the invoice by the job's lines, the payment by the marker
 * in its note) and completes it without writing again. Counted in the sandbox's ground truth: one customer,
 * job, invoice and payment per command, never two.
 */

jest.setTimeout(900_000);

const CRASHES = 30;

describe('writer: Housecall Pro, SIGKILL right after the vendor accepted a write, 30 times → no duplicate vendor record', () => {
  let world: WriterWorld;

  beforeAll(async () => {
    world = await startWriterWorld({ name: 'hcpcrash', vendors: ['housecallpro'] });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('completes every command once: 0 duplicate customers, jobs, invoices or payments', async () => {
    await proveExactlyOnceAcrossCrashes(
      world,
      [
        {
          vendor: 'housecallpro',
          counts: async (w) => {
            const invoices = await w.groundTruth('housecallpro', 'invoices');
            return {
              customer: (await w.groundTruth('housecallpro', 'customers')).length,
              job: (await w.groundTruth('housecallpro', 'jobs')).length,
              invoice: invoices.length,
              // Payments are listed on their invoices.
              payment: invoices.reduce(
                (n, i) => n + ((i['payments'] as unknown[] | undefined)?.length ?? 0),
                0,
              ),
            };
          },
          customer: (i) => ({
            displayName: `Crash Customer${String(i)}`,
            primaryContact: {
              name: `Crash Customer${String(i)}`,
              email: `crash.hcp.${String(i)}@example.com`,
            },
            billingAddress: crashAddress(i),
          }),
          line: (i) => ({ description: `Crash work ${String(i)}`, quantity: 1, unitPrice: 100 }),
        },
      ],
      CRASHES,
    );
  });
});
