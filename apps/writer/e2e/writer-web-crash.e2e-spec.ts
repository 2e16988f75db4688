import {
  countsFromExports,
  crashAddress,
  proveExactlyOnceAcrossCrashes,
  type CrashCase,
} from './writer-crash-proof.util';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes on the vendors written through their web apps and pages — Housecall Pro and
 * Total Office Manager — as writer-crash does for ServiceTitan and Jobber (writer-crash-proof.util.ts), one
 * sandbox, session manager and extractor for both: the writer SIGKILLs itself right after the vendor
 * accepted a write, 30 times over per vendor, through the chain customer → job (TOM: work order) →
 * invoice → payment (Housecall Pro's payment through the web app's invoice screen). Each time a new writer
 * takes the redelivered command over and finds its effect — Housecall Pro: the customer by natural key,
 * the job by the marker in its note, the invoice by the job's lines, the payment by the marker in its note;
 * TOM: the customer's and the invoice's memo, the work order's User Defined 1, the payment's memo — and
 * completes it without writing again. Counted in the sandbox's ground truth: one of each per command,
 * never two.
 */

jest.setTimeout(1_200_000);

const CRASHES = 30;

describe('writer: Housecall Pro and Total Office Manager, SIGKILL right after the vendor accepted a write, 30 times each → no duplicate vendor record', () => {
  let world: WriterWorld;
  let jobType = '';
  let item = { id: '', price: 0 };

  beforeAll(async () => {
    world = await startWriterWorld({
      name: 'webcrash',
      vendors: ['housecallpro', 'tom'],
      extractorEnv: {
        EXTRACTOR_STREAM_INTERVALS:
          'jobs=2s,appointments=2s,appointment-assignments=2s,clients=2s,invoices=2s,customers=2s,workorders=2s,payments=2s',
      },
    });
    jobType = String((await world.stored('tom', 'job'))[0]?.document['jobType']);
    const service = (await world.stored('tom', 'pricebook_item')).find(
      (i) => i.document['active'] === true && i.document['kind'] === 'service',
    );
    if (!service) throw new Error('no active TOM service item stored');
    item = { id: service.id, price: Number(service.document['price']) };
  });

  afterAll(async () => {
    await world?.close();
  });

  const CASES: readonly CrashCase[] = [
    {
      vendor: 'housecallpro',
      counts: async (w) => {
        const invoices = await w.groundTruth('housecallpro', 'invoices');
        return {
          customer: (await w.groundTruth('housecallpro', 'customers')).length,
          job: (await w.groundTruth('housecallpro', 'jobs')).length,
          invoice: invoices.length,
          // Payments are listed on their invoices.
          payment: invoices.reduce((n, i) => n + ((i['payments'] as unknown[] | undefined)?.length ?? 0), 0),
        };
      },
      customer: (i) => ({
        displayName: `Crash Customer${String(i)}`,
        primaryContact: { name: `Crash Customer${String(i)}`, email: `crash.hcp.${String(i)}@example.com` },
        billingAddress: crashAddress(i),
      }),
      line: (i) => ({ description: `Crash work ${String(i)}`, quantity: 1, unitPrice: 100 }),
    },
    {
      vendor: 'tom',
      counts: countsFromExports('tom', {
        customer: 'customers',
        job: 'workorders',
        invoice: 'invoices',
        payment: 'payments',
      }),
      customer: (i) => ({
        displayName: `Crash Customer${String(i)}`,
        primaryContact: { name: `Crash Customer${String(i)}`, email: `crash.tom.${String(i)}@example.com` },
        billingAddress: crashAddress(i),
      }),
      job: () => ({ jobType }),
      line: (i) => ({
        pricebookItemId: item.id,
        description: `Crash work ${String(i)}`,
        quantity: 1,
        unitPrice: item.price,
      }),
    },
  ];

  it.each(CASES.map((c) => [c.vendor, c] as const))(
    '%s completes every command once: 0 duplicate customers, jobs, invoices or payments',
    async (_vendor, c) => {
      await proveExactlyOnceAcrossCrashes(world, [c], CRASHES);
    },
  );
});
