import { MessagingError } from '@fieldsync/messaging';
import { NatsUrlError } from '@fieldsync/messaging';
import { SessionAcquireError, SessionClientError } from './session-client.error';
import { SessionClient } from './session.client';

// Nothing here connects: the checks run before any request is sent.
const servers = 'nats://extractor:pw@127.0.0.1:1';

describe('SessionClient options and arguments', () => {
  it('refuses bad options by name when constructed', () => {
    expect(() => new SessionClient({ service: 'Extractor', servers })).toThrow(
      /service must be a service name/,
    );
    expect(() => new SessionClient({ service: 'extractor', servers, timeoutMs: 0 })).toThrow(
      /timeoutMs must be a positive integer/,
    );
    expect(() => new SessionClient({ service: 'extractor', servers, cacheMarginMs: -1 })).toThrow(
      /cacheMarginMs must be a non-negative integer/,
    );
    expect(() => new SessionClient({ service: 'extractor', servers, prefix: 'a.b' })).toThrow(MessagingError);
    expect(
      () => new SessionClient({ service: 'extractor', servers: 'nats://a:x@h:1,nats://b:y@h:2' }),
    ).toThrow(NatsUrlError);
  });

  it('rejects a bad connection id or minValidityMs before sending anything', async () => {
    const client = new SessionClient({ service: 'extractor', servers });
    await expect(client.acquire('con x')).rejects.toMatchObject({
      name: 'SessionAcquireError',
      code: 'bad_request',
      retriable: false,
    });
    await expect(client.acquire('con_x', { minValidityMs: -5 })).rejects.toBeInstanceOf(SessionAcquireError);
    await expect(client.acquire('con_x', { minValidityMs: 2 * 86_400_000 })).rejects.toThrow(
      /minValidityMs must be an integer from 0 to 86400000/,
    );
    const invalidate = client.invalidate('fsm.>', 'unauthorized');
    await expect(invalidate).rejects.toBeInstanceOf(SessionClientError);
    await expect(invalidate).rejects.not.toBeInstanceOf(SessionAcquireError);
    await expect(client.status('')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('fails requests after close() instead of reconnecting', async () => {
    const client = new SessionClient({ service: 'writer', servers });
    await client.close();
    await expect(client.status('con_x')).rejects.toMatchObject({
      code: 'transport',
      message: 'status con_x: the SessionClient is closed',
    });
    await expect(client.connect()).rejects.toThrow('SessionClient (writer) is closed');
  });
});
