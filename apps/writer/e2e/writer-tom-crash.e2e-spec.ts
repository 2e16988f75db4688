import type { CommandResult } from '@fieldsync/canonical-model';
import { startWriterWorld, type WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes for Total Office Manager, as writer-housecallpro-crash does for Housecall Pro:
 * the writer SIGKILLs itself right after TOM accepted a form (WRITER_TEST_CRASH_AFTER_VENDOR_WRITE=1), 30
 * times over, through the chain customer → work order → invoice → payment. Each time a new writer takes
 * the redelivered command over, finds its effect by the command's marker (the customer's and the
 * invoice's memo, the work order's User Defined 1, the payment's memo) and completes it without posting
 * the form again. Counted in the sandbox's ground truth: one of each per command, never two.
 */

jest.setTimeout(900_000);

const CRASHES = 30;
const VENDOR = 'tom' as const;

const address = (n: number) => ({
  line1: `${100 + n} Crash Test Ave`,
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
});

type Counted = 'customer' | 'job' | 'invoice' | 'payment';

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

  const counts = async (): Promise<Record<Counted, number>> => ({
    customer: (await world.groundTruth(VENDOR, 'customers')).length,
    job: (await world.groundTruth(VENDOR, 'workorders')).length,
    invoice: (await world.groundTruth(VENDOR, 'invoices')).length,
    payment: (await world.groundTruth(VENDOR, 'payments')).length,
  });

  it('completes every command once: 0 duplicate customers, jobs, invoices or payments', async () => {
    const before = await counts();
    const made: Record<Counted, number> = { customer: 0, job: 0, invoice: 0, payment: 0 };
    const env = {
      WRITER_TEST_CRASH_AFTER_VENDOR_WRITE: '1',
      WRITER_ACK_WAIT: '1s',
      WRITER_LEASE: '1s',
      WRITER_IN_FLIGHT_WAIT: '5s',
    };
    const state: { customerId?: string; locationId?: string; jobId?: string; invoiceId?: string } = {};
    const start = new Date(Date.now() + 5 * 86_400_000);
    start.setUTCHours(14, 0, 0, 0);
    const nextCommand = (i: number): { entity: Counted; command: ReturnType<WriterWorld['command']> } => {
      const step = i % 4;
      if (step === 0 || !state.customerId || !state.locationId) {
        return {
          entity: 'customer',
          command: world.command(VENDOR, 'client.create', {
            displayName: `Crash Customer${String(i)}`,
            primaryContact: {
              name: `Crash Customer${String(i)}`,
              email: `crash.tom.${String(i)}@example.com`,
            },
            billingAddress: address(i),
          }),
        };
      }
      if (step === 1 || !state.jobId) {
        return {
          entity: 'job',
          command: world.command(VENDOR, 'job.create', {
            customerId: state.customerId,
            locationId: state.locationId,
            title: `Crash job ${String(i)}`,
            jobType,
            appointment: {
              scheduledStart: new Date(start.getTime() + i * 3_600_000).toISOString(),
              durationMinutes: 60,
            },
          }),
        };
      }
      if (step === 2 || !state.invoiceId) {
        return {
          entity: 'invoice',
          command: world.command(VENDOR, 'invoice.create', {
            jobId: state.jobId,
            currency: 'USD',
            lineItems: [
              {
                pricebookItemId: item.id,
                description: `Crash work ${String(i)}`,
                quantity: 1,
                unitPrice: item.price,
              },
            ],
          }),
        };
      }
      return {
        entity: 'payment',
        command: world.command(VENDOR, 'payment.record', {
          invoiceId: state.invoiceId,
          currency: 'USD',
          amount: 10,
          method: 'cash',
          memo: `Crash payment ${String(i)}`,
        }),
      };
    };
    const remember = (entity: Counted, result: CommandResult): void => {
      const data = result.result ?? {};
      if (entity === 'customer') {
        state.customerId = data['customerId'] as string;
        state.locationId = (data['locationIds'] as string[])[0];
        state.jobId = undefined;
        state.invoiceId = undefined;
      } else if (entity === 'job') state.jobId = data['jobId'] as string;
      else if (entity === 'invoice') state.invoiceId = data['invoiceId'] as string;
    };

    let writer = await world.startWriter(env);
    let crashes = 0;
    const problems: string[] = [];
    for (let i = 0; crashes < CRASHES; i += 1) {
      const { entity, command } = nextCommand(i);
      await world.publish(command);
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        writer.service.exited,
        new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 60_000, undefined))),
      ]).finally(() => clearTimeout(timer));
      if (exit?.signal !== 'SIGKILL') {
        throw new Error(
          `command ${String(i)} (${command.type}): the writer did not crash after the vendor write\n${writer.service.output().slice(-3_000)}`,
        );
      }
      crashes += 1;
      writer = await world.startWriter(env);
      const [result] = await world.resultsFor([command.commandId], 60_000);
      if (result?.status !== 'succeeded') {
        problems.push(`${command.type}: ${String(result?.status)} ${JSON.stringify(result?.error)}`);
        continue;
      }
      made[entity] += 1;
      remember(entity, result);
    }
    await writer.service.stop();
    expect(crashes).toBe(CRASHES);
    expect(problems).toEqual([]);
    const after = await counts();
    const added = Object.fromEntries(
      (Object.keys(made) as Counted[]).map((entity) => [entity, after[entity] - before[entity]]),
    );
    expect(added).toEqual(made);
    expect(Object.values(made).reduce((n, m) => n + m, 0)).toBe(CRASHES);
  });
});
