import { randomBytes } from 'node:crypto';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { KeyRing, Vault } from '@fieldsync/vault';
import type { Kysely } from 'kysely';
import { resealSigningSecrets, signingSecretContext } from './signing-secrets.reseal';

/* Key rotation of the signing secrets on Postgres: sealed under k1, resealed under k2, readable with k2 alone. */

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('resealSigningSecrets (npm run vault:reencrypt)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase('wh_reseal');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    await db.insertInto('tenants').values({ id: 'tn_w', name: 'W' }).execute();
    const old = new Vault(KeyRing.from(k1));
    for (let i = 0; i < 3; i += 1) {
      const id = `ep_${i}`;
      await db
        .insertInto('webhook_endpoints')
        .values({
          id,
          tenant_id: 'tn_w',
          url: `https://hooks.example.com/${i}`,
          key_id: 'k1',
          secret_encrypted: old.seal(`whsec_current_${i}`, signingSecretContext(id)).ciphertext,
        })
        .execute();
      await db
        .insertInto('webhook_endpoint_secrets')
        .values({
          id: `eps_${i}`,
          tenant_id: 'tn_w',
          endpoint_id: id,
          key_id: 'k1',
          secret_encrypted: old.seal(`whsec_previous_${i}`, signingSecretContext(id)).ciphertext,
          expires_at: new Date(Date.now() + 3_600_000),
        })
        .execute();
    }
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('reseals current and rotated-out secrets; k2 alone opens them; a second run has nothing to do', async () => {
    expect(await resealSigningSecrets(db, new Vault(KeyRing.from(k2, [k1])))).toEqual({
      endpoints: 3,
      previousSecrets: 3,
    });
    expect(await resealSigningSecrets(db, new Vault(KeyRing.from(k2, [k1])))).toEqual({
      endpoints: 0,
      previousSecrets: 0,
    });
    const only = new Vault(KeyRing.from(k2));
    const endpoints = await db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
    expect(
      endpoints.map((e) =>
        only.openString({ keyId: e.key_id, ciphertext: e.secret_encrypted }, signingSecretContext(e.id)),
      ),
    ).toEqual(['whsec_current_0', 'whsec_current_1', 'whsec_current_2']);
    const previous = await db.selectFrom('webhook_endpoint_secrets').selectAll().orderBy('id').execute();
    expect(
      previous.map((p) =>
        only.openString(
          { keyId: p.key_id, ciphertext: p.secret_encrypted },
          signingSecretContext(p.endpoint_id),
        ),
      ),
    ).toEqual(['whsec_previous_0', 'whsec_previous_1', 'whsec_previous_2']);
  });
});
