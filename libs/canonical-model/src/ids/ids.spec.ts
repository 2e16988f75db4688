import fc from 'fast-check';
import { canonicalId, parseCanonicalId, CANONICAL_ID_HASH_LENGTH } from './canonical-id.util';
import { canonicalIdSchema, idSchemas } from './canonical-id.schema';
import { ENTITY_TYPES } from './entity-type.schema';
import { ID_PREFIXES } from './id-prefix.constants';
import { commandIdSchema, eventIdSchema } from './ulid-id.schema';
import { createUlidFactory, newCommandId, newEventId } from './ulid-id.util';

const entityArb = fc.constantFrom(...ENTITY_TYPES);
const textArb = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });

describe('canonicalId', () => {
  it('is pinned: the derivation never changes silently (ids are stored everywhere)', () => {
    expect(canonicalId('conn_workiz_demo', 'job', '92af31')).toBe('job_v278at3t641q17h09kanqy87xf');
  });

  it('uses the seed prefixes and covers every entity with a distinct prefix', () => {
    expect(canonicalId('c', 'customer', '1')).toMatch(/^cl_/);
    expect(canonicalId('c', 'appointment', '1')).toMatch(/^vis_/);
    expect(canonicalId('c', 'estimate', '1')).toMatch(/^qte_/);
    expect(canonicalId('c', 'attachment', '1')).toMatch(/^upl_/);
    expect(new Set(Object.values(ID_PREFIXES)).size).toBe(ENTITY_TYPES.length);
  });

  it('is deterministic and parses back to its entity', () => {
    fc.assert(
      fc.property(textArb, entityArb, textArb, (connection, entity, external) => {
        const id = canonicalId(connection, entity, external);
        expect(canonicalId(connection, entity, external)).toBe(id);
        expect(parseCanonicalId(id)).toEqual({
          entity,
          prefix: ID_PREFIXES[entity],
          hash: id.slice(id.indexOf('_') + 1),
        });
        expect(idSchemas[entity].safeParse(id).success).toBe(true);
        expect(id.length - ID_PREFIXES[entity].length - 1).toBe(CANONICAL_ID_HASH_LENGTH);
      }),
    );
  });

  it('gives different ids to different inputs (injective on sampled tuples)', () => {
    fc.assert(
      fc.property(
        fc.tuple(textArb, entityArb, textArb),
        fc.tuple(textArb, entityArb, textArb),
        ([c1, e1, x1], [c2, e2, x2]) => {
          fc.pre(c1 !== c2 || e1 !== e2 || x1 !== x2);
          expect(canonicalId(c1, e1, x1)).not.toBe(canonicalId(c2, e2, x2));
        },
      ),
    );
  });

  it('resists separator injection: moving characters between fields changes the id', () => {
    expect(canonicalId('a|b', 'job', 'c')).not.toBe(canonicalId('a', 'job', 'b|c'));
    expect(canonicalId('a","job', 'job', 'c')).not.toBe(canonicalId('a', 'job', '","job","c'));
    fc.assert(
      fc.property(textArb, textArb, fc.nat(), (left, right, cut) => {
        const joined = left + right;
        const at = 1 + (cut % joined.length);
        fc.pre(at < joined.length && at !== left.length);
        expect(canonicalId(joined.slice(0, at), 'customer', joined.slice(at))).not.toBe(
          canonicalId(left, 'customer', right),
        );
      }),
    );
  });

  it('isolates connections: the same vendor record on two connections gets two ids', () => {
    expect(canonicalId('conn_a', 'invoice', '42')).not.toBe(canonicalId('conn_b', 'invoice', '42'));
  });

  it('rejects empty inputs, wrong prefixes and malformed ids', () => {
    expect(() => canonicalId('', 'job', '1')).toThrow(RangeError);
    const jobId = canonicalId('c', 'job', '1');
    expect(canonicalIdSchema('invoice').safeParse(jobId).success).toBe(false);
    expect(parseCanonicalId('job_92af31')).toBeUndefined();
    expect(parseCanonicalId(`zz_${jobId.slice(4)}`)).toBeUndefined();
    expect(parseCanonicalId(jobId.toUpperCase())).toBeUndefined();
  });
});

describe('event and command ids', () => {
  it('are evt_/cmd_ + ULID and sort in creation order within one millisecond', () => {
    const ids = Array.from({ length: 50 }, () => newEventId(1_760_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(eventIdSchema.safeParse(id).success).toBe(true);
    expect(commandIdSchema.safeParse(newCommandId()).success).toBe(true);
    expect(commandIdSchema.safeParse(newEventId()).success).toBe(false);
  });

  it('a factory is monotonic across increasing times', () => {
    const next = createUlidFactory();
    const a = next(1000);
    const b = next(1000);
    const c = next(2000);
    expect(a < b && b < c).toBe(true);
  });
});
