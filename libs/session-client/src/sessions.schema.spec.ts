import { SessionKeyPair } from './session-envelope';
import {
  SESSION_ERROR_CODES,
  acquireReplySchema,
  acquireRequestSchema,
  describeIssues,
  invalidateRequestSchema,
  sessionErrorReply,
  statusReplySchema,
  statusRequestSchema,
} from './sessions.schema';

const publicKey = SessionKeyPair.generate().publicKey;

function issues(result: { success: boolean; error?: unknown }): string {
  if (result.success) throw new Error('expected the schema to reject the value');
  return describeIssues(result.error as Parameters<typeof describeIssues>[0]);
}

describe('sessions wire schemas', () => {
  it('accepts an acquire request and rejects each bad field by name', () => {
    expect(acquireRequestSchema.parse({ requester: 'extractor', publicKey, minValidityMs: 120_000 })).toEqual(
      {
        requester: 'extractor',
        publicKey,
        minValidityMs: 120_000,
      },
    );
    expect(issues(acquireRequestSchema.safeParse({ requester: 'Extractor!', publicKey }))).toMatch(
      /^requester: must be a service name/,
    );
    expect(
      issues(acquireRequestSchema.safeParse({ requester: 'writer', publicKey: publicKey.slice(4) })),
    ).toMatch(/^publicKey: must be base64 of exactly 32 bytes/);
    expect(
      issues(
        acquireRequestSchema.safeParse({ requester: 'writer', publicKey, minValidityMs: 2 * 86_400_000 }),
      ),
    ).toMatch(/^minValidityMs: must be at most 86400000/);
    expect(
      issues(acquireRequestSchema.safeParse({ requester: 'writer', publicKey, minValidityMs: 1.5 })),
    ).toMatch(/^minValidityMs: /);
    expect(
      issues(acquireRequestSchema.safeParse({ requester: 'writer', publicKey, connectionId: 'c' })),
    ).toMatch(/connectionId/);
  });

  it('checks invalidate and status requests', () => {
    expect(
      invalidateRequestSchema.parse({ requester: 'writer', reason: 'unauthorized', sessionVersion: 2 }),
    ).toEqual({ requester: 'writer', reason: 'unauthorized', sessionVersion: 2 });
    expect(issues(invalidateRequestSchema.safeParse({ requester: 'writer', reason: 'bored' }))).toMatch(
      /^reason: /,
    );
    expect(
      issues(
        invalidateRequestSchema.safeParse({ requester: 'writer', reason: 'manual', sessionVersion: -1 }),
      ),
    ).toMatch(/^sessionVersion: /);
    expect(statusRequestSchema.parse({ requester: 'api' })).toEqual({ requester: 'api' });
    expect(issues(statusRequestSchema.safeParse({}))).toMatch(/^requester: /);
  });

  it('parses both kinds of acquire reply and refuses an unknown error code', () => {
    const ok = acquireReplySchema.parse({
      ok: true,
      connectionId: 'con_x',
      sessionVersion: 1,
      expiresAt: '2026-11-21T20:00:00.000Z',
      user: { id: 'u', name: 'U', role: 'admin', entitlements: [] },
      envelope: {
        v: 1,
        epk: publicKey,
        nonce: Buffer.alloc(12).toString('base64'),
        ciphertext: 'AAAA',
        tag: Buffer.alloc(16).toString('base64'),
      },
      addedLater: true,
    });
    expect(ok.ok).toBe(true);
    expect(ok).not.toHaveProperty('addedLater');
    expect(acquireReplySchema.parse(sessionErrorReply('needs_attention', 'wrong password'))).toEqual({
      ok: false,
      error: { code: 'needs_attention', message: 'wrong password', retriable: false },
    });
    expect(
      issues(
        acquireReplySchema.safeParse({ ok: false, error: { code: 'nope', message: '', retriable: false } }),
      ),
    ).toMatch(/^error\.code: /);
  });

  it('marks only the transient failures retriable by default', () => {
    const retriable = SESSION_ERROR_CODES.filter((code) => sessionErrorReply(code, '').error.retriable);
    expect(retriable).toEqual(['mfa_timeout', 'vendor_unavailable', 'internal']);
    expect(sessionErrorReply('login_failed', 'x', true).error.retriable).toBe(true);
  });

  it('parses a status reply with and without a session', () => {
    expect(
      statusReplySchema.parse({
        ok: true,
        connectionId: 'con_x',
        connectionStatus: 'pending',
        session: null,
      }),
    ).toMatchObject({ session: null });
    const reply = statusReplySchema.parse({
      ok: true,
      connectionId: 'con_x',
      connectionStatus: 'active',
      session: {
        state: 'active',
        sessionVersion: 4,
        expiresAt: '2026-11-21T20:00:00.000+01:00',
        lastRefreshedAt: null,
        lastCheckedAt: '2026-11-21T09:00:00Z',
        user: null,
      },
    });
    expect(reply.ok && reply.session?.sessionVersion).toBe(4);
    expect(
      issues(
        statusReplySchema.safeParse({
          ok: true,
          connectionId: 'con_x',
          connectionStatus: 'gone',
          session: null,
        }),
      ),
    ).toMatch(/^connectionStatus: /);
  });
});
