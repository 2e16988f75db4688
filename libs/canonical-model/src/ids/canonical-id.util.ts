import { createHash } from 'node:crypto';
import { ENTITY_TYPES, EntityType } from './entity-type.schema';
import { ID_PREFIXES } from './id-prefix.constants';

/** Crockford base32, lower case (no i, l, o, u): readable, URL- and subject-safe. */
const BASE32_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** 26 base32 characters = 130 bits of SHA-256. */
export const CANONICAL_ID_HASH_LENGTH = 26;

/** Version tag inside the hashed tuple: changing the derivation means a new tag, never silently new ids. */
const DERIVATION_TAG = 'fieldsync.id.v1';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
}

/**
 * The deterministic canonical id of a vendor record: `<prefix>_<hash>`, where hash is the first 130 bits
 * of SHA-256 over the JSON encoding of the tuple [tag, connectionId, entity, externalId], in lower-case
 * Crockford base32 (26 characters). JSON-encoding the tuple makes the input unambiguous: ("a|b", "c") and
 * ("a", "b|c") hash different strings, so no separator injection can make two records collide. With
 * 130 bits, the chance of any collision among a billion records is about 10^-21.
 *
 * The same (connectionId, entity, externalId) always gives the same id, so re-extracting a record never
 * mints a second id. The ids are long on purpose; the seeds' six-hex ids (`job_92af31`) are illustrations.
 */
export function canonicalId(connectionId: string, entity: EntityType, externalId: string): string {
  if (connectionId === '' || externalId === '') {
    throw new RangeError(`canonicalId needs a non-empty connectionId and externalId (entity ${entity})`);
  }
  const digest = createHash('sha256')
    .update(JSON.stringify([DERIVATION_TAG, connectionId, entity, externalId]), 'utf8')
    .digest();
  return `${ID_PREFIXES[entity]}_${base32(digest, CANONICAL_ID_HASH_LENGTH)}`;
}

const ENTITY_BY_PREFIX: ReadonlyMap<string, EntityType> = new Map(
  ENTITY_TYPES.map((entity) => [ID_PREFIXES[entity], entity] as const),
);

const CANONICAL_ID_PATTERN = new RegExp(`^([a-z]+)_([${BASE32_ALPHABET}]{${CANONICAL_ID_HASH_LENGTH}})$`);

export interface ParsedCanonicalId {
  readonly entity: EntityType;
  readonly prefix: string;
  readonly hash: string;
}

/** The entity an id belongs to, or undefined when the text is not a well-formed canonical id. */
export function parseCanonicalId(id: string): ParsedCanonicalId | undefined {
  const match = CANONICAL_ID_PATTERN.exec(id);
  if (!match) return undefined;
  const [, prefix = '', hash = ''] = match;
  const entity = ENTITY_BY_PREFIX.get(prefix);
  return entity ? { entity, prefix, hash } : undefined;
}

export function isCanonicalIdOf(id: string, entity: EntityType): boolean {
  return parseCanonicalId(id)?.entity === entity;
}
