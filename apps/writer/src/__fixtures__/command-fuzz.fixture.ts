import { canonicalId, newCommandId, type CommandType } from '@fieldsync/canonical-model';

/*
 * Malformed commands for the writer's intake: each is a valid command of some type with one mutation
 * that no schema may accept (an unknown field in a strict object, a wrong type, a missing required
 * field, an unknown command type, broken JSON...). Seeded, so a failure replays; each case says which
 * field the rejection must name.
 */

export interface FuzzCase {
  /** The message bytes. */
  readonly data: Uint8Array;
  /** Nats-Msg-Id: the command id (kept valid so the rejection can be addressed). */
  readonly commandId: string;
  readonly type: CommandType;
  readonly mutation: string;
  /** The field the rejection must name (a prefix of `error.field` or of one of `error.issues`). */
  readonly field: string;
}

/** mulberry32: a small seeded PRNG, enough to make fuzz cases replayable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const address = {
  line1: '1120 Medical Park Dr',
  line2: null,
  city: 'Atlanta',
  region: 'GA',
  postalCode: '30312',
  country: 'US',
  geo: null,
};

/** One valid payload per command type the writer executes, with the connection's canonical ids. */
export function validPayloads(connectionId: string): Record<string, Record<string, unknown>> {
  const id = (entity: Parameters<typeof canonicalId>[1], external: string) =>
    canonicalId(connectionId, entity, external);
  return {
    'client.create': {
      displayName: 'Eastside Pediatrics',
      primaryContact: { name: 'Dr. Alex Kim', email: 'alex.kim@example.com', phone: '+1-770-555-0134' },
      billingAddress: address,
      locations: [{ name: 'Clinic', address }],
      tags: ['commercial'],
    },
    'job.create': {
      customerId: id('customer', '100'),
      locationId: id('location', '200'),
      title: 'Water heater replacement',
      appointment: { scheduledStart: '2026-12-01T15:00:00Z', durationMinutes: 120 },
      technicianIds: [id('technician', '300')],
    },
    'job.dispatch': {
      jobId: id('job', '400'),
      technicians: { mode: 'replace', technicianIds: [id('technician', '300')] },
      window: { scheduledStart: '2026-12-01T15:00:00Z', scheduledEnd: '2026-12-01T17:00:00Z' },
    },
    'job.status.update': { jobId: id('job', '400'), status: 'completed' },
    'quote.create': {
      customerId: id('customer', '100'),
      jobId: id('job', '400'),
      currency: 'USD',
      lineItems: [{ description: 'Tune-up', quantity: 1, unitPrice: 129 }],
    },
    'quote.convert': { estimateId: id('estimate', '500') },
    'invoice.create': {
      jobId: id('job', '400'),
      currency: 'USD',
      lineItems: [{ description: 'Labor', quantity: 2, unitPrice: 95.5 }],
    },
    'payment.record': {
      invoiceId: id('invoice', '600'),
      currency: 'USD',
      amount: 191,
      method: 'card',
      cardLast4: '4242',
    },
  };
}

type Mutation = (
  command: Record<string, unknown>,
  payload: Record<string, unknown>,
  pick: <T>(list: readonly T[]) => T,
) => { mutation: string; field: string; raw?: string };

const MUTATIONS: readonly Mutation[] = [
  (_c, payload, pick) => {
    const key = pick(['cardNumber', 'tipAmmount', 'notes_', 'extra', '__proto_x']);
    payload[key] = '4242424242424242';
    return { mutation: `unknown payload field ${key}`, field: `payload.${key}` };
  },
  (command, _p, pick) => {
    const key = pick(['priority', 'callbackUrl', 'tenant']);
    command[key] = 'x';
    return { mutation: `unknown envelope field ${key}`, field: key };
  },
  (command, _p, pick) => {
    const key = pick(['tenantId', 'connectionId', 'idempotencyKey', 'requestedAt']);
    delete command[key];
    return { mutation: `missing ${key}`, field: key };
  },
  (command, _p, pick) => {
    const key = pick(['tenantId', 'connectionId', 'requestedAt']);
    command[key] = pick([42, true, [], {}, '']);
    return { mutation: `wrong type of ${key}`, field: key };
  },
  (command) => {
    command['requestedAt'] = '2026-13-45T99:00:00Z';
    return { mutation: 'impossible requestedAt', field: 'requestedAt' };
  },
  (command) => {
    command['idempotencyKey'] = ' padded ';
    return { mutation: 'idempotency key with spaces', field: 'idempotencyKey' };
  },
  (_c, payload, pick) => {
    const keys = Object.keys(payload);
    const key = pick(keys);
    payload[key] = [[]];
    return { mutation: `payload.${key} set to [[]]`, field: `payload.${key}` };
  },
  (command) => {
    command['payload'] = null;
    return { mutation: 'payload null', field: 'payload' };
  },
  (command, _p, pick) => {
    command['type'] = pick(['job.teleport', 'client.delete', '', 'JOB.CREATE']);
    return { mutation: `unknown type ${String(command['type'])}`, field: 'type' };
  },
  (command) => ({
    mutation: 'truncated JSON',
    field: '(root)',
    raw: JSON.stringify(command).slice(0, Math.max(1, JSON.stringify(command).length - 7)),
  }),
  (command) => ({
    mutation: 'not JSON at all',
    field: '(root)',
    raw: `<command>${String(command['type'])}</command>`,
  }),
];

/** `count` malformed commands for one tenant and connection, reproducible from `seed`. */
export function fuzzCommands(options: {
  tenantId: string;
  connectionId: string;
  count: number;
  seed: number;
}): FuzzCase[] {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const payloads = validPayloads(options.connectionId);
  const types = Object.keys(payloads) as CommandType[];
  const cases: FuzzCase[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const type = pick(types);
    const commandId = newCommandId();
    const payload = structuredClone(payloads[type]) as Record<string, unknown>;
    const command: Record<string, unknown> = {
      commandId,
      idempotencyKey: `fuzz-${options.seed}-${i}`,
      tenantId: options.tenantId,
      connectionId: options.connectionId,
      type,
      payload,
      requestedAt: '2026-11-21T08:00:00Z',
    };
    const mutated = pick(MUTATIONS)(command, payload, pick);
    const text = mutated.raw ?? JSON.stringify(command);
    cases.push({
      data: new TextEncoder().encode(text),
      commandId,
      type,
      mutation: mutated.mutation,
      field: mutated.field,
    });
  }
  return cases;
}
