import {
  sessionsFilter,
  SessionsNatsServer,
  withoutPrefix,
  type SessionOperation,
} from '@fieldsync/messaging';
import { expectEventually, freePort, getTestServices, uniqueStreamPrefix } from '@fieldsync/testing';
import { Controller, type INestMicroservice } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { NEVER, type Observable } from 'rxjs';
import { SECRET_COOKIE_VALUE, capturedSessionFixture } from './__fixtures__/captured-session.fixture';
import { SESSION_CLIENT } from './session-client.constants';
import { SessionAcquireError, SessionClientError } from './session-client.error';
import { SessionClientModule } from './session-client.module';
import { sealSession } from './session-envelope';
import { SessionClient } from './session.client';
import {
  acquireRequestSchema,
  invalidateRequestSchema,
  sessionErrorReply,
  statusRequestSchema,
  type AcquireReply,
  type InvalidateReply,
  type StatusReply,
} from './sessions.schema';

/*
 * A tiny session manager on the real transport (SessionsNatsServer over the test NATS): it validates
 * requests with the wire schemas, seals a CapturedSession for the requester with the envelope, and
 * answers per connection id: `con_ok*` a session, `con_attention` / `con_vendor_down` an error reply,
 * `con_silent` nothing, `con_foreign` an envelope sealed for another service, `con_garbled` a reply
 * that is not the contract, `con_throws` a handler exception.
 */

interface Received {
  op: SessionOperation;
  connectionId: string;
  payload: unknown;
}

const received: Received[] = [];
const versions = new Map<string, number>();
/** Acquires of these connections wait until the test opens the gate. */
const gates = new Map<string, Promise<void>>();
const HOUR = 3_600_000;

function connectionOf(ctx: NatsContext, prefix: string): string {
  return withoutPrefix(ctx.getSubject(), prefix).split('.')[2] ?? '';
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function controllerFor(prefix: string): new () => object {
  @Controller()
  class FakeSessionManager {
    @MessagePattern(sessionsFilter('acquire'))
    acquire(@Payload() data: unknown, @Ctx() ctx: NatsContext): Promise<AcquireReply> | Observable<never> {
      const connectionId = connectionOf(ctx, prefix);
      received.push({ op: 'acquire', connectionId, payload: data });
      if (connectionId === 'con_silent') return NEVER;
      return this.answerAcquire(connectionId, data);
    }

    private async answerAcquire(connectionId: string, data: unknown): Promise<AcquireReply> {
      if (connectionId === 'con_throws') throw new Error('database on fire');
      const request = acquireRequestSchema.safeParse(data);
      if (!request.success) return sessionErrorReply('bad_request', request.error.message);
      if (connectionId === 'con_attention') {
        return sessionErrorReply('needs_attention', 'the vendor refused the password; fix the connection');
      }
      if (connectionId === 'con_vendor_down')
        return sessionErrorReply('vendor_unavailable', 'portal answered 503');
      if (connectionId === 'con_garbled') return { ok: true, connectionId } as unknown as AcquireReply;
      const sessionVersion = versions.get(connectionId) ?? 1;
      await (gates.get(connectionId) ?? delay(150)); // a login takes a while: concurrent callers pile up
      const lifetime = connectionId === 'con_ok_short' ? 30_000 : HOUR;
      const expiresAt = new Date(Date.now() + lifetime).toISOString();
      const session = capturedSessionFixture({ expiresAt });
      const requester = connectionId === 'con_foreign' ? 'writer' : request.data.requester;
      return {
        ok: true,
        connectionId,
        sessionVersion,
        expiresAt,
        user: session.user,
        envelope: sealSession(session, {
          connectionId,
          requester,
          sessionVersion,
          publicKey: request.data.publicKey,
        }),
      };
    }

    @MessagePattern(sessionsFilter('invalidate'))
    invalidate(@Payload() data: unknown, @Ctx() ctx: NatsContext): InvalidateReply {
      const connectionId = connectionOf(ctx, prefix);
      received.push({ op: 'invalidate', connectionId, payload: data });
      const request = invalidateRequestSchema.safeParse(data);
      if (!request.success) return sessionErrorReply('bad_request', request.error.message);
      const current = versions.get(connectionId) ?? 1;
      if (request.data.sessionVersion !== undefined && request.data.sessionVersion !== current) {
        return { ok: true, invalidated: false };
      }
      versions.set(connectionId, current + 1);
      return { ok: true, invalidated: true };
    }

    @MessagePattern(sessionsFilter('status'))
    status(@Payload() data: unknown, @Ctx() ctx: NatsContext): StatusReply {
      const connectionId = connectionOf(ctx, prefix);
      received.push({ op: 'status', connectionId, payload: data });
      const request = statusRequestSchema.safeParse(data);
      if (!request.success) return sessionErrorReply('bad_request', request.error.message);
      if (connectionId === 'con_missing')
        return sessionErrorReply('connection_not_found', 'no such connection');
      return { ok: true, connectionId, connectionStatus: 'active', session: null };
    }
  }
  return FakeSessionManager;
}

const requestsFor = (connectionId: string, op: SessionOperation = 'acquire'): Received[] =>
  received.filter((r) => r.connectionId === connectionId && r.op === op);

async function rejection(promise: Promise<unknown>): Promise<SessionClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SessionClientError) return error;
    throw error;
  }
  throw new Error('expected a SessionClientError');
}

describe('SessionClient against a session manager on SessionsNatsServer', () => {
  const prefix = uniqueStreamPrefix('sessclient');
  let app: INestMicroservice;
  let client: SessionClient;

  beforeAll(async () => {
    const { natsUrl } = getTestServices();
    const moduleRef = await Test.createTestingModule({ controllers: [controllerFor(prefix)] }).compile();
    app = moduleRef.createNestMicroservice({
      strategy: new SessionsNatsServer({ servers: natsUrl, prefix }),
      logger: false,
    });
    await app.listen();
    client = new SessionClient({ service: 'extractor', servers: natsUrl, prefix, timeoutMs: 5_000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('acquires a session sealed for this process and opens it locally', async () => {
    const acquired = await client.acquire('con_ok');
    expect(acquired).toMatchObject({ connectionId: 'con_ok', sessionVersion: 1, user: { id: 'u_17' } });
    expect(acquired.session.cookies[0]?.value).toBe(SECRET_COOKIE_VALUE);
    expect(acquired.session.headers).toHaveProperty('authorization');
    const [request] = requestsFor('con_ok');
    expect(request?.payload).toEqual({ requester: 'extractor', publicKey: expect.any(String) as unknown });
    expect(JSON.stringify(request?.payload)).not.toContain(SECRET_COOKIE_VALUE);
  });

  it('coalesces 20 concurrent acquires of one connection into one request, then serves the cache', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => client.acquire('con_ok_many')));
    expect(requestsFor('con_ok_many')).toHaveLength(1);
    expect(new Set(results).size).toBe(1);
    await client.acquire('con_ok_many');
    expect(requestsFor('con_ok_many')).toHaveLength(1);
  });

  it('asks again when the cached session would not last minValidityMs, and does not cache one about to expire', async () => {
    await client.acquire('con_ok_valid');
    await client.acquire('con_ok_valid', { minValidityMs: 2 * HOUR });
    expect(requestsFor('con_ok_valid').map((r) => r.payload)).toEqual([
      { requester: 'extractor', publicKey: expect.any(String) as unknown },
      { requester: 'extractor', publicKey: expect.any(String) as unknown, minValidityMs: 2 * HOUR },
    ]);
    await client.acquire('con_ok_short');
    await client.acquire('con_ok_short');
    expect(requestsFor('con_ok_short')).toHaveLength(2); // 30 s left < the 60 s margin
  });

  it('invalidate drops the cache and tells the session manager; the next acquire gets a fresh session', async () => {
    const first = await client.acquire('con_ok_401');
    await expect(client.invalidate('con_ok_401', 'unauthorized', first.sessionVersion)).resolves.toEqual({
      invalidated: true,
    });
    expect(requestsFor('con_ok_401', 'invalidate').map((r) => r.payload)).toEqual([
      { requester: 'extractor', reason: 'unauthorized', sessionVersion: 1 },
    ]);
    const second = await client.acquire('con_ok_401');
    expect(second.sessionVersion).toBe(2);
    expect(requestsFor('con_ok_401')).toHaveLength(2);
    // Without a version, the cached one is reported; a stale version invalidates nothing.
    await expect(client.invalidate('con_ok_401', 'forbidden')).resolves.toEqual({ invalidated: true });
    expect(requestsFor('con_ok_401', 'invalidate')[1]?.payload).toMatchObject({ sessionVersion: 2 });
    await expect(client.invalidate('con_ok_401', 'manual', 1)).resolves.toEqual({ invalidated: false });
  });

  it('after invalidate, an answer still in flight is neither cached nor shared with new callers', async () => {
    let open = (): void => undefined;
    gates.set('con_ok_race', new Promise<void>((resolve) => (open = resolve)));
    const stale = client.acquire('con_ok_race');
    await expectEventually(() => expect(requestsFor('con_ok_race')).toHaveLength(1));
    // The vendor rejected the session while the first answer is held back.
    const invalidated = client.invalidate('con_ok_race', 'unauthorized');
    const fresh = client.acquire('con_ok_race');
    await invalidated;
    await expectEventually(() => expect(requestsFor('con_ok_race')).toHaveLength(2));
    open();
    await expect(stale).resolves.toMatchObject({ sessionVersion: 1 });
    await expect(fresh).resolves.toMatchObject({ sessionVersion: 2 });
    expect(received.filter((r) => r.connectionId === 'con_ok_race').map((r) => r.op)).toEqual([
      'acquire',
      'invalidate',
      'acquire',
    ]);
    await expect(client.acquire('con_ok_race')).resolves.toMatchObject({ sessionVersion: 2 });
    expect(requestsFor('con_ok_race')).toHaveLength(2);
  });

  it.each([
    ['con_attention', 'needs_attention', false],
    ['con_vendor_down', 'vendor_unavailable', true],
  ])('turns the error reply of %s into a SessionAcquireError %s', async (connectionId, code, retriable) => {
    const error = await rejection(client.acquire(connectionId));
    expect(error).toBeInstanceOf(SessionAcquireError);
    expect(error).toMatchObject({ code, retriable, connectionId });
    expect(error.message).toContain(`acquire ${connectionId}: ${code}: `);
  });

  it('fails a request nobody answers with a clear, retriable timeout', async () => {
    const error = await rejection(client.acquire('con_silent', { timeoutMs: 400 }));
    expect(error).toBeInstanceOf(SessionAcquireError);
    expect(error).toMatchObject({ code: 'timeout', retriable: true });
    expect(error.message).toContain(
      `no answer from the session manager on ${prefix}.fsm.sessions.con_silent.acquire`,
    );
    expect(error.message).toContain('within 400 ms');
  });

  it('refuses an envelope sealed for another service, a reply off the contract, and reports a handler crash', async () => {
    const foreign = await rejection(client.acquire('con_foreign'));
    expect(foreign).toMatchObject({ code: 'envelope', retriable: false });
    expect(foreign.message).toMatch(/did not authenticate/);
    expect(foreign.message).not.toContain(SECRET_COOKIE_VALUE);
    const garbled = await rejection(client.acquire('con_garbled'));
    expect(garbled).toMatchObject({ code: 'bad_reply', retriable: false });
    expect(garbled.message).toMatch(/envelope/);
    const crashed = await rejection(client.acquire('con_throws'));
    expect(crashed).toMatchObject({ code: 'internal', retriable: true });
  });

  it('a failed acquire is shared by the callers waiting on it and is not cached', async () => {
    const errors = await Promise.all(
      Array.from({ length: 5 }, () => rejection(client.acquire('con_vendor_down'))),
    );
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['vendor_unavailable']));
    const before = requestsFor('con_vendor_down').length;
    await rejection(client.acquire('con_vendor_down'));
    expect(requestsFor('con_vendor_down')).toHaveLength(before + 1);
  });

  it('reads the status, and maps its error reply to a SessionClientError', async () => {
    await expect(client.status('con_ok')).resolves.toEqual({
      ok: true,
      connectionId: 'con_ok',
      connectionStatus: 'active',
      session: null,
    });
    const error = await rejection(client.status('con_missing'));
    expect(error).not.toBeInstanceOf(SessionAcquireError);
    expect(error).toMatchObject({ code: 'connection_not_found', retriable: false });
  });

  it('rejects a connection id that is not a subject token before sending anything', async () => {
    const count = received.length;
    const error = await rejection(client.acquire('con.x.>'));
    expect(error).toMatchObject({ code: 'bad_request', retriable: false });
    expect(received).toHaveLength(count);
  });
});

describe('SessionClientModule', () => {
  it('provides a connected SessionClient and closes it with the application', async () => {
    const { natsUrl } = getTestServices();
    const moduleRef = await Test.createTestingModule({
      imports: [SessionClientModule.forRoot({ service: 'writer', servers: natsUrl, bootTimeoutMs: 5_000 })],
    }).compile();
    await moduleRef.init();
    const client = moduleRef.get<SessionClient>(SESSION_CLIENT);
    expect(client).toBeInstanceOf(SessionClient);
    expect(client.service).toBe('writer');
    await moduleRef.close();
    // Closed: a request now fails instead of hanging.
    await expect(client.status('con_ok')).rejects.toBeInstanceOf(SessionClientError);
  });

  it('fails the boot, naming nats, when NATS cannot be reached', async () => {
    const port = await freePort();
    const moduleRef = Test.createTestingModule({
      imports: [
        SessionClientModule.forRoot({
          service: 'writer',
          servers: `nats://writer:pw@127.0.0.1:${port}`,
          bootTimeoutMs: 1_000,
        }),
      ],
    });
    const error = await moduleRef.compile().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^nats is unreachable: SessionClient \(writer\) cannot connect to NATS at nats:\/\/127\.0\.0\.1:/,
    );
    expect((error as Error).message).not.toContain('pw@');
  });
});
