import { entityTypeSchema, type CommandType } from '@fieldsync/canonical-model';
import {
  ConnectorRegistry,
  mapVendorRecord,
  type ConnectorCapabilities,
  type SessionPolicy,
} from '@fieldsync/connector-kit';
import { z } from 'zod';
import fixture from './__fixtures__/workiz-records.fixture.json';
import { WORKIZ_ROLE_ENTITLEMENTS } from './workiz-roles.util';
import { workizConnector } from './workiz.connector';

/*
 * What must be true before the Workiz connector is done, laid out by `npm run new:vendor`. Each
 * test fails until it holds, saying what to fill in:
 *  - VENDOR_FACTS and PROMISED_COMMANDS below: what Workiz really offers, from its product and
 *    help pages (shared/reference/vendors.md), never copied from the code under test;
 *  - __fixtures__/workiz-records.fixture.json: records each stream yielded from the sandbox;
 *  - the code the failures name (the roles table, the mapper, the writes).
 * Then prove the login, the streams and the writes against the sandbox in e2e/, as
 * libs/connectors/servicetitan/e2e/ does.
 */

const TODO = 'TODO';
type Todo = typeof TODO;

/** A value the implementer states: reading it before then fails the test, saying what to fill in. */
function filled<T>(value: T | Todo, what: string): T {
  if (value === TODO) throw new Error(`fill in ${what}`);
  return value;
}

interface VendorFacts {
  /** The second factors Workiz's login offers. */
  readonly mfa: ConnectorCapabilities['mfa'];
  /** Whether its users can sign in through an identity provider. */
  readonly sso: boolean;
  /** What its data calls are: `rest`, `graphql`, or server-rendered `html` to scrape. */
  readonly transport: ConnectorCapabilities['transport'];
  /** Its session lifetimes: inactivity and absolute. */
  readonly sessionPolicy: SessionPolicy;
  /** Where these facts come from (a help page, a section of vendors.md). */
  readonly source: string;
}

const VENDOR_FACTS = {
  mfa: ['sms', 'email'],
  sso: false,
  transport: 'rest',
  // Workiz publishes no session lifetimes: 2 h idle / 24 h absolute are ours (the sandbox's too).
  sessionPolicy: { idleMs: 2 * 3_600_000, absoluteMs: 24 * 3_600_000 },
  source:
    'vendors.md §4 (Portal: optional 2FA via SMS or email OTP [help.workiz.com]; Auth: REST JSON, token in the URL) and §7',
} as VendorFacts | Todo;
const FACTS_TO_FILL =
  "VENDOR_FACTS in workiz.connector.spec.ts: Workiz's second factors, SSO, transport and session lifetimes, from its help pages";

// What issue 13 and the Workiz product page (shared/reference/seeds/002_*) promise: new jobs and leads,
// dispatch assignments, status updates, estimates, invoices and payments.
const PROMISED_COMMANDS = [
  'client.create',
  'job.create',
  'job.dispatch',
  'job.status.update',
  'lead.create',
  'payment.record',
  'quote.create',
  'invoice.create',
] as readonly CommandType[] | Todo;

/** One record as a stream of the read side yielded it from the sandbox (`raw` as its wire schema validated it). */
const recordedSchema = z
  .object({
    stream: z.string().min(1),
    entity: entityTypeSchema,
    externalId: z.string().min(1),
    raw: z.unknown(),
    deleted: z.boolean(),
  })
  .strict();
type Recorded = z.infer<typeof recordedSchema>;

function recorded(): Recorded[] {
  const records = z.array(recordedSchema).parse(fixture);
  if (records.length === 0) {
    throw new Error(
      'fill in __fixtures__/workiz-records.fixture.json: the records each stream yields from the sandbox, as { stream, entity, externalId, raw, deleted }',
    );
  }
  return records;
}

const CTX = { tenantId: 'tenant-1', connectionId: 'conn-workiz' };
const { readSide } = workizConnector;

describe('workizConnector', () => {
  it('is accepted by the registry: its descriptor is what its code does', () => {
    const registry = new ConnectorRegistry([workizConnector]);
    expect(registry.get('workiz')).toBe(workizConnector);
  });

  it("declares Workiz's own second factors, SSO and transport", () => {
    const facts = filled(VENDOR_FACTS, FACTS_TO_FILL);
    const { mfa, sso, transport } = workizConnector.descriptor.capabilities;
    expect({ mfa: [...mfa].sort(), sso, transport }).toEqual({
      mfa: [...facts.mfa].sort(),
      sso: facts.sso,
      transport: facts.transport,
    });
  });

  it("logs in with Workiz's session lifetimes, overrides applied", () => {
    const facts = filled(VENDOR_FACTS, FACTS_TO_FILL);
    expect(workizConnector.authFlows.sessionPolicy).toEqual(facts.sessionPolicy);
    const flow = workizConnector.authFlows.create({ idleMs: 60_000 });
    expect(flow.vendor).toBe('workiz');
    expect(flow.sessionPolicy).toEqual({
      ...facts.sessionPolicy,
      idleMs: 60_000,
    });
  });

  it("maps Workiz's roles to entitlements", () => {
    if (Object.keys(WORKIZ_ROLE_ENTITLEMENTS).length === 0) {
      throw new Error(
        "fill in WORKIZ_ROLE_ENTITLEMENTS in workiz-roles.util.ts: Workiz's roles and what each lets a session do",
      );
    }
  });

  it('has a write for every command the product page promises', () => {
    const promised = filled(
      PROMISED_COMMANDS,
      "PROMISED_COMMANDS in workiz.connector.spec.ts: the commands Workiz's product page promises",
    );
    if (promised.length === 0) throw new Error('fill in PROMISED_COMMANDS: it lists no command');
    const registry = new ConnectorRegistry([workizConnector]);
    expect(promised.filter((command) => !registry.supports('workiz', command))).toEqual([]);
  });

  it('has recorded records of every stream, each stream yielding exactly the entities it declares', () => {
    const records = recorded();
    for (const stream of readSide.streams) {
      const yielded = new Set(records.filter((r) => r.stream === stream.stream).map((r) => r.entity));
      expect([stream.stream, [...yielded].sort()]).toEqual([stream.stream, [...stream.entities].sort()]);
    }
    const streams = new Set(readSide.streams.map((s) => s.stream));
    expect(records.filter((r) => !streams.has(r.stream)).map((r) => r.stream)).toEqual([]);
  });

  it('maps every recorded record to a canonical object its schema accepts', () => {
    for (const { stream: _stream, ...record } of recorded()) {
      const mapped = mapVendorRecord(readSide.mapper, { kind: 'record', ...record }, CTX);
      expect([record.entity, record.externalId, mapped.ok ? [] : mapped.issues]).toEqual([
        record.entity,
        record.externalId,
        [],
      ]);
    }
  });
});
