import { entityTypeSchema, type CommandType } from '@fieldsync/canonical-model';
import {
  ConnectorRegistry,
  mapVendorRecord,
  type ConnectorCapabilities,
  type SessionPolicy,
} from '@fieldsync/connector-kit';
import { z } from 'zod';
import fixture from './__fixtures__/housecallpro-records.fixture.json';
import { HOUSECALLPRO_ROLE_ENTITLEMENTS } from './housecallpro-roles.util';
import { housecallproConnector } from './housecallpro.connector';

/*
 * What must be true before the Housecall Pro connector is done, laid out by `npm run new:vendor`. Each
 * test fails until it holds, saying what to fill in:
 *  - VENDOR_FACTS and PROMISED_COMMANDS below: what Housecall Pro really offers, from its product and
 *    help pages (shared/reference/vendors.md), never copied from the code under test;
 *  - __fixtures__/housecallpro-records.fixture.json: records each stream yielded from the sandbox;
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
  /** The second factors Housecall Pro's login offers. */
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
  mfa: ['sms'],
  sso: false,
  transport: 'rest',
  // Housecall Pro publishes no session lifetimes: 1 h idle / 12 h absolute are ours (the sandbox's too).
  sessionPolicy: { idleMs: 3_600_000, absoluteMs: 12 * 3_600_000 },
  source:
    'vendors.md §3 (Portal: optional SMS two-step on every login; Auth: REST JSON, partner OAuth only for apps) and §7',
} as VendorFacts | Todo;
const FACTS_TO_FILL =
  "VENDOR_FACTS in housecallpro.connector.spec.ts: Housecall Pro's second factors, SSO, transport and session lifetimes, from its help pages";

// What issue 14 and the Housecall Pro product page (shared/reference/seeds/004_*) promise.
const PROMISED_COMMANDS = [
  'client.create',
  'job.create',
  'job.dispatch',
  'job.status.update',
  'quote.create',
  'quote.convert',
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
      'fill in __fixtures__/housecallpro-records.fixture.json: the records each stream yields from the sandbox, as { stream, entity, externalId, raw, deleted }',
    );
  }
  return records;
}

const CTX = { tenantId: 'tenant-1', connectionId: 'conn-housecallpro' };
const { readSide } = housecallproConnector;

describe('housecallproConnector', () => {
  it('is accepted by the registry: its descriptor is what its code does', () => {
    const registry = new ConnectorRegistry([housecallproConnector]);
    expect(registry.get('housecallpro')).toBe(housecallproConnector);
  });

  it("declares Housecall Pro's own second factors, SSO and transport", () => {
    const facts = filled(VENDOR_FACTS, FACTS_TO_FILL);
    const { mfa, sso, transport } = housecallproConnector.descriptor.capabilities;
    expect({ mfa: [...mfa].sort(), sso, transport }).toEqual({
      mfa: [...facts.mfa].sort(),
      sso: facts.sso,
      transport: facts.transport,
    });
  });

  it("logs in with Housecall Pro's session lifetimes, overrides applied", () => {
    const facts = filled(VENDOR_FACTS, FACTS_TO_FILL);
    expect(housecallproConnector.authFlows.sessionPolicy).toEqual(facts.sessionPolicy);
    const flow = housecallproConnector.authFlows.create({ idleMs: 60_000 });
    expect(flow.vendor).toBe('housecallpro');
    expect(flow.sessionPolicy).toEqual({ ...facts.sessionPolicy, idleMs: 60_000 });
  });

  it("maps Housecall Pro's roles to entitlements", () => {
    if (Object.keys(HOUSECALLPRO_ROLE_ENTITLEMENTS).length === 0) {
      throw new Error(
        "fill in HOUSECALLPRO_ROLE_ENTITLEMENTS in housecallpro-roles.util.ts: Housecall Pro's roles and what each lets a session do",
      );
    }
  });

  it('has a write for every command the product page promises', () => {
    const promised = filled(
      PROMISED_COMMANDS,
      "PROMISED_COMMANDS in housecallpro.connector.spec.ts: the commands Housecall Pro's product page promises",
    );
    if (promised.length === 0) throw new Error('fill in PROMISED_COMMANDS: it lists no command');
    const registry = new ConnectorRegistry([housecallproConnector]);
    expect(promised.filter((command) => !registry.supports('housecallpro', command))).toEqual([]);
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
