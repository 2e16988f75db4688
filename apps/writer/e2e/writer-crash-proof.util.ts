import type { CommandResult } from '@fieldsync/canonical-model';
import type { WriterVendor, WriterWorld } from './writer-harness.util';

/*
 * Exactly once across crashes, the proof every vendor's crash e2e makes: the writer SIGKILLs itself right
 * after the vendor accepted a write and before any bookkeeping (WRITER_TEST_CRASH_AFTER_VENDOR_WRITE=1),
 * `crashes` times over, through the chain a contractor's integration would send per vendor: customer →
 * job → invoice → payment. Each time a new writer takes the redelivered command over (its lease expired),
 * finds the command's effect at the vendor (its marker or natural key) and completes it without writing
 * again. Counted in the sandbox's ground truth: one customer, job, invoice and payment per command, never
 * two. What differs per vendor is the payloads and where the ground truth lists each kind of record.
 */

export type Counted = 'customer' | 'job' | 'invoice' | 'payment';

/** One vendor of a crash proof. */
export interface CrashCase {
  readonly vendor: WriterVendor;
  /** How many records of each kind the vendor's ground truth holds now. */
  counts(world: WriterWorld): Promise<Record<Counted, number>>;
  /** The `client.create` payload of command `i`. */
  customer(i: number): Record<string, unknown>;
  /** What the vendor's `job.create` carries besides customer, location, title and appointment. */
  job?(): Record<string, unknown>;
  /** The invoice line of command `i`. */
  line(i: number): Record<string, unknown>;
}

/** The ground truth counted from one export per kind (`exports` names each kind's export). */
export const countsFromExports =
  (vendor: WriterVendor, exports: Readonly<Record<Counted, string>>) =>
  async (world: WriterWorld): Promise<Record<Counted, number>> => {
    const out = {} as Record<Counted, number>;
    for (const [entity, exportName] of Object.entries(exports) as [Counted, string][]) {
      out[entity] = (await world.groundTruth(vendor, exportName)).length;
    }
    return out;
  };

export const crashAddress = (n: number) => ({
  line1: `${100 + n} Crash Test Ave`,
  line2: null,
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
  geo: null,
});

/**
 * Sends commands round-robin over `cases` (command i to case i mod n, the chain step ⌊i / n⌋ mod 4) until
 * the writer crashed `crashes` times, then asserts: every crash happened, every command succeeded, and each
 * vendor's ground truth gained exactly as many records of each kind as commands made them. With several
 * cases the sandbox renders one business for every vendor, so each export counts every case's new records.
 */
export async function proveExactlyOnceAcrossCrashes(
  world: WriterWorld,
  cases: readonly CrashCase[],
  crashes: number,
): Promise<void> {
  const before = new Map<WriterVendor, Record<Counted, number>>();
  for (const c of cases) before.set(c.vendor, await c.counts(world));
  const made = cases.map((): Record<Counted, number> => ({ customer: 0, job: 0, invoice: 0, payment: 0 }));
  const env = {
    WRITER_TEST_CRASH_AFTER_VENDOR_WRITE: '1',
    // A crashed writer's command comes back after the ack wait; its key's lease runs out as quickly.
    WRITER_ACK_WAIT: '1s',
    WRITER_LEASE: '1s',
    WRITER_IN_FLIGHT_WAIT: '5s',
  };
  const state = cases.map(
    (): { customerId?: string; locationId?: string; jobId?: string; invoiceId?: string } => ({}),
  );
  const start = new Date(Date.now() + 5 * 86_400_000);
  start.setUTCHours(14, 0, 0, 0);
  const nextCommand = (
    i: number,
  ): { at: number; entity: Counted; command: ReturnType<WriterWorld['command']> } => {
    const at = i % cases.length;
    const c = cases[at] as CrashCase;
    const s = state[at] as (typeof state)[number];
    const step = Math.floor(i / cases.length) % 4;
    if (step === 0 || !s.customerId || !s.locationId) {
      return { at, entity: 'customer', command: world.command(c.vendor, 'client.create', c.customer(i)) };
    }
    if (step === 1 || !s.jobId) {
      return {
        at,
        entity: 'job',
        command: world.command(c.vendor, 'job.create', {
          customerId: s.customerId,
          locationId: s.locationId,
          title: `Crash job ${String(i)}`,
          ...c.job?.(),
          appointment: {
            scheduledStart: new Date(start.getTime() + i * 3_600_000).toISOString(),
            durationMinutes: 60,
          },
        }),
      };
    }
    if (step === 2 || !s.invoiceId) {
      return {
        at,
        entity: 'invoice',
        command: world.command(c.vendor, 'invoice.create', {
          jobId: s.jobId,
          currency: 'USD',
          lineItems: [c.line(i)],
        }),
      };
    }
    return {
      at,
      entity: 'payment',
      command: world.command(c.vendor, 'payment.record', {
        invoiceId: s.invoiceId,
        currency: 'USD',
        amount: 10,
        method: 'cash',
        memo: `Crash payment ${String(i)}`,
      }),
    };
  };
  const remember = (at: number, entity: Counted, result: CommandResult): void => {
    const data = result.result ?? {};
    const s = state[at] as (typeof state)[number];
    if (entity === 'customer') {
      s.customerId = data['customerId'] as string;
      s.locationId = (data['locationIds'] as string[])[0];
      s.jobId = undefined;
      s.invoiceId = undefined;
    } else if (entity === 'job') s.jobId = data['jobId'] as string;
    else if (entity === 'invoice') s.invoiceId = data['invoiceId'] as string;
  };

  let writer = await world.startWriter(env);
  let crashed = 0;
  const problems: string[] = [];
  const crashLoop = async (): Promise<void> => {
    for (let i = 0; crashed < crashes; i += 1) {
      const { at, entity, command } = nextCommand(i);
      const vendor = (cases[at] as CrashCase).vendor;
      await world.publish(command);
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        writer.service.exited,
        new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 60_000, undefined))),
      ]).finally(() => clearTimeout(timer));
      if (exit?.signal !== 'SIGKILL') {
        throw new Error(
          `command ${String(i)} (${vendor} ${command.type}): the writer did not crash after the vendor write\n${writer.service.output().slice(-3_000)}`,
        );
      }
      crashed += 1;
      // The next writer takes the command over from its recovery point (and crashes on the next one).
      writer = await world.startWriter(env);
      const [result] = await world.resultsFor([command.commandId], 60_000);
      if (result?.status !== 'succeeded') {
        problems.push(
          `${vendor} ${command.type}: ${String(result?.status)} ${JSON.stringify(result?.error)}`,
        );
        continue;
      }
      (made[at] as Record<Counted, number>)[entity] += 1;
      remember(at, entity, result);
    }
    await writer.service.stop();
  };
  try {
    await crashLoop();
  } finally {
    // A proof that failed half way leaves no writer behind to take the next proof's commands.
    if (writer.service.child.exitCode === null && writer.service.child.signalCode === null) {
      await writer.service.stop('SIGKILL');
    }
  }
  expect(crashed).toBe(crashes);
  expect(problems).toEqual([]);
  const kinds: Counted[] = ['customer', 'job', 'invoice', 'payment'];
  const want = Object.fromEntries(kinds.map((k) => [k, made.reduce((n, m) => n + m[k], 0)]));
  for (const c of cases) {
    const after = await c.counts(world);
    const was = before.get(c.vendor) as Record<Counted, number>;
    const added = Object.fromEntries(kinds.map((k) => [k, after[k] - was[k]]));
    // Every command made its record once: as many new vendor records as succeeded commands, none twice.
    expect({ vendor: c.vendor, added }).toEqual({ vendor: c.vendor, added: want });
  }
  expect(made.reduce((n, m) => n + m.customer + m.job + m.invoice + m.payment, 0)).toBe(crashes);
}
