import { entityTypeSchema, type CommandType } from '@fieldsync/canonical-model';
import {
  ConnectorRegistry,
  mapVendorRecord,
  type ConnectorCapabilities,
  type SessionPolicy,
} from '@fieldsync/connector-kit';
import { z } from 'zod';
import fixture from './__fixtures__/tom-records.fixture.json';
import { TOM_ROLE_ENTITLEMENTS } from './tom-roles.util';
import { tomConnector } from './tom.connector';

/*
 * What must be true before the Total Office Manager connector is done, laid out by `npm run new:vendor`. Each
 * test fails until it holds, saying what to fill in:
 *  - VENDOR_FACTS and PROMISED_COMMANDS below: what Total Office Manager really offers, from its product and
 *    help pages (shared/reference/vendors.md), never copied from the code under test;
 *  - __fixtures__/tom-records.fixture.json: records each stream yielded from the sandbox;
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
  /** The second factors Total Office Manager's login offers. */
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

// vendors.md §5: no public API (pages scraped: html); Mobile II signs in with user name and password,
// "Keep Me Logged In", an inactivity logout; MFA is not documented (the issue's optional TOTP or emailed code).
const VENDOR_FACTS = {
  mfa: ['totp', 'email'],
  sso: false,
  transport: 'html',
  sessionPolicy: { idleMs: 20 * 60_000, absoluteMs: 12 * 3_600_000 },
  source: 'shared/reference/vendors.md §5 and §7; the sandbox portal (tom.portal.ts) for the idle figure',
} as VendorFacts | Todo;
const FACTS_TO_FILL =
  "VENDOR_FACTS in tom.connector.spec.ts: Total Office Manager's second factors, SSO, transport and session lifetimes, from its help pages";

// The product page's use cases: create work orders, auto-assign technicians, update job statuses,
// generate invoices, and the customers and payments the issue lists.
const PROMISED_COMMANDS = [
  'client.create',
  'job.create',
  'job.dispatch',
  'job.status.update',
  'invoice.create',
  'payment.record',
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
      'fill in __fixtures__/tom-records.fixture.json: the records each stream yields from the sandbox, as { stream, entity, externalId, raw, deleted }',
    );
  }
  return records;
}

const CTX = { tenantId: 'tenant-1', connectionId: 'conn-tom' };
const { readSide } = tomConnector;

describe('tomConnector', () => {
  it('is accepted by the registry: its descriptor is what its code does', () => {
    const registry = new ConnectorRegistry([tomConnector]);
    expect(registry.get('tom')).toBe(tomConnector);
  });

  it("declares Total Office Manager's own second factors, SSO and transport", () => {
    const facts = filled(VENDOR_FACTS, FACTS_TO_FILL);
    const { mfa, sso, transport } = tomConnector.descriptor.capabilities;
    expect({ mfa: [...mfa].sort(), sso, transport }).toEqual({
      mfa: [...facts.mfa].sort(),
      sso: facts.sso,
      transport: facts.transport,
    });
  });

  it("logs in with Total Office Manager's session lifetimes, overrides applied", () => {
    const facts = filled(VENDOR_FACTS, FACTS_TO_FILL);
    expect(tomConnector.authFlows.sessionPolicy).toEqual(facts.sessionPolicy);
    const flow = tomConnector.authFlows.create({ idleMs: 60_000 });
    expect(flow.vendor).toBe('tom');
    expect(flow.sessionPolicy).toEqual({ ...facts.sessionPolicy, idleMs: 60_000 });
  });

  it("maps Total Office Manager's roles to entitlements", () => {
    if (Object.keys(TOM_ROLE_ENTITLEMENTS).length === 0) {
      throw new Error(
        "fill in TOM_ROLE_ENTITLEMENTS in tom-roles.util.ts: Total Office Manager's roles and what each lets a session do",
      );
    }
  });

  it('has a write for every command the product page promises', () => {
    const promised = filled(
      PROMISED_COMMANDS,
      "PROMISED_COMMANDS in tom.connector.spec.ts: the commands Total Office Manager's product page promises",
    );
    if (promised.length === 0) throw new Error('fill in PROMISED_COMMANDS: it lists no command');
    const registry = new ConnectorRegistry([tomConnector]);
    expect(promised.filter((command) => !registry.supports('tom', command))).toEqual([]);
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
