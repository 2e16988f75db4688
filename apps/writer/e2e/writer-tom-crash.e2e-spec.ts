import { countsFromExports, crashAddress, proveExactlyOnceAcrossCrashes } from './writer-crash-proof.util';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes for Total Office Manager, as writer-housecallpro-crash does for Housecall Pro
 * (writer-crash-proof.util.ts): the writer SIGKILLs itself right after TOM accepted a form, 30 times over,
 * through the chain customer → work order → invoice → payment. Each time a new writer takes the redelivered
 * command over, finds its effect by the command's marker (the customer's and the invoice's memo, the work
 * order's User Defined 1, the payment's memo) and completes it without posting the form again. Counted in
 * the sandbox's ground truth: one of each per command, never two.
 */

jest.setTimeout(900_000);

const CRASHES = 30;
const VENDOR = 'tom' as const;

describe('writer: Total Office Manager, SIGKILL right after the vendor accepted a write, 30 times → no duplicate vendor record', () => {
  let world: WriterWorld;
  let jobType = '';
  let item = { id: '', price: 0 };

  beforeAll(async () => {
    world = await startWriterWorld({
      name: 'tomcrash',
      vendors: [VENDOR],
      extractorEnv: {
        EXTRACTOR_STREAM_INTERVALS: 'customers=2s,jobs=2s,workorders=2s,invoices=2s,payments=2s',
      },
    });
    jobType = String((await world.stored(VENDOR, 'job'))[0]?.document['jobType']);
    const service = (await world.stored(VENDOR, 'pricebook_item')).find(
      (i) => i.document['active'] === true && i.document['kind'] === 'service',
    );
    if (!service) throw new Error('no active TOM service item stored');
    item = { id: service.id, price: Number(service.document['price']) };
  });

  afterAll(async () => {
    await world?.close();
  });

  it('completes every command once: 0 duplicate customers, jobs, invoices or payments', async () => {
    await proveExactlyOnceAcrossCrashes(
      world,
      [
        {
          vendor: VENDOR,
          counts: countsFromExports(VENDOR, {
            customer: 'customers',
            job: 'workorders',
            invoice: 'invoices',
            payment: 'payments',
          }),
          customer: (i) => ({
            displayName: `Crash Customer${String(i)}`,
            primaryContact: {
              name: `Crash Customer${String(i)}`,
              email: `crash.tom.${String(i)}@example.com`,
            },
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
      ],
      CRASHES,
    );
  });
});
