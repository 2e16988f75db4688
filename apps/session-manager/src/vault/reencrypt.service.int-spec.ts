import { randomBytes } from 'node:crypto';
import type { CapturedSession } from '@fieldsync/connector-kit';
import { createDatabase, migrateToLatest, type DB } from '@fieldsync/persistence';
import { createTestDatabase, type TestDatabase } from '@fieldsync/testing';
import { KeyRing, Vault } from '@fieldsync/vault';
import type { Kysely } from 'kysely';
import { ConnectionsRepository } from '../connections/connections.repository';
import { SessionVault } from '../sessions/session.vault';
import { SessionsRepository } from '../sessions/sessions.repository';
import { ReencryptService } from './reencrypt.service';
import { VaultContexts } from './vault.providers';

/* Key rotation end to end on Postgres: rows sealed under k1, resealed under k2, readable with k2 alone. */

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

function session(connectionId: string): CapturedSession {
  return {
    vendor: 'jobber',
    portalUrl: 'https://jobber.test',
    cookies: [
      {
        name: '_jobber_session',
        value: `cookie-${connectionId}`,
        domain: 'jobber.test',
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      },
    ],
    headers: { 'x-csrf-token': `csrf-${connectionId}` },
    user: { id: 'u1', name: 'Oscar Office', role: 'Office', entitlements: ['clients'] },
    establishedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    deviceCookies: [
      {
        name: '_jobber_device',
        value: `device-${connectionId}`,
        domain: 'jobber.test',
        path: '/',
        expires: 2e9,
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      },
    ],
  };
}

describe('ReencryptService (npm run vault:reencrypt)', () => {
  let database: TestDatabase;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await createTestDatabase('reencrypt');
    db = createDatabase({ url: database.url });
    await migrateToLatest(db);
    await db.insertInto('tenants').values({ id: 'tn_r', name: 'R' }).execute();
    const old = new SessionVault(new Vault(KeyRing.from(k1)));
    const sessions = new SessionsRepository(db);
    for (let i = 0; i < 5; i += 1) {
      const id = `con_r${i}`;
      await db
        .insertInto('connections')
        .values({
          id,
          tenant_id: 'tn_r',
          vendor: 'jobber',
          portal_url: 'https://jobber.test',
          username: `user${i}`,
          key_id: 'k1',
          password_encrypted: old.sealSecret(`password-${i}`, VaultContexts.password(id)),
          mfa_method: 'totp',
          mfa_secret_encrypted: old.sealSecret(`JBSWY3DPEHPK3PXP${i}`, VaultContexts.mfaSecret(id)),
        })
        .execute();
      const sealed = old.sealSession(id, session(id));
      await db.transaction().execute((trx) =>
        sessions.store(
          {
            connectionId: id,
            tenantId: 'tn_r',
            stateEncrypted: sealed.state,
            deviceStateEncrypted: sealed.device,
            keyId: sealed.keyId,
            userInfo: {},
            establishedAt: new Date(),
            expiresAt: new Date(Date.now() + 3_600_000),
          },
          trx,
        ),
      );
    }
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('reseals every connection and session under the current key; a second run has nothing to do', async () => {
    const rotating = new SessionVault(new Vault(KeyRing.from(k2, [k1])));
    const service = new ReencryptService(
      db,
      new ConnectionsRepository(db),
      new SessionsRepository(db),
      rotating,
    );
    expect(await service.run()).toEqual({ keyId: 'k2', connections: 5, sessions: 5 });
    expect(await service.run()).toEqual({ keyId: 'k2', connections: 0, sessions: 0 });

    // The old key can go: everything opens with k2 alone, and says what it said before.
    const only = new SessionVault(new Vault(KeyRing.from(k2)));
    const connections = new ConnectionsRepository(db);
    const sessions = new SessionsRepository(db);
    for (let i = 0; i < 5; i += 1) {
      const row = await connections.findById(`con_r${i}`);
      if (!row) throw new Error('row missing');
      expect(row.key_id).toBe('k2');
      expect(only.credentials(row).password).toBe(`password-${i}`);
      expect(only.totpSecret(row)).toBe(`JBSWY3DPEHPK3PXP${i}`);
      const stored = await sessions.find(`con_r${i}`);
      if (!stored) throw new Error('session missing');
      expect(only.openSession(stored).cookies[0]?.value).toBe(`cookie-con_r${i}`);
      expect(only.deviceCookies(stored)[0]?.value).toBe(`device-con_r${i}`);
    }
    // And k1 alone no longer opens anything.
    const row = await connections.findById('con_r0');
    if (!row) throw new Error('row missing');
    expect(() => new SessionVault(new Vault(KeyRing.from(k1))).credentials(row)).toThrow(/no key "k2"/);
  });
});
