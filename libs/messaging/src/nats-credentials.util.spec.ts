import { NatsUrlError, natsCredentials } from './nats-credentials.util';

function failure(servers: string | string[]): NatsUrlError {
  try {
    natsCredentials(servers);
  } catch (error) {
    if (error instanceof NatsUrlError) return error;
    throw error;
  }
  throw new Error('expected a NatsUrlError');
}

describe('natsCredentials (NATS_URL carrying the service user)', () => {
  it('takes user and password out of the URLs and leaves servers that are safe to log', () => {
    expect(
      natsCredentials('nats://extractor:s3cr%40t%3A1@nats:4222, nats://extractor:s3cr%40t%3A1@nats-2:4222'),
    ).toEqual({
      servers: ['nats://nats:4222', 'nats://nats-2:4222'],
      user: 'extractor',
      pass: 's3cr@t:1',
    });
  });

  it('passes URLs without credentials through, and one credential applies to all servers', () => {
    expect(natsCredentials(['nats://127.0.0.1:4222'])).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(natsCredentials('tls://writer:pw@a:4222,nats://b')).toEqual({
      servers: ['tls://a:4222', 'nats://b'],
      user: 'writer',
      pass: 'pw',
    });
  });

  it('rejects bad URLs and conflicting users without echoing a password', () => {
    for (const [servers, message] of [
      ['', /lists no server/],
      ['extractor:hunter2@nats:4222', /server #1 must be a nats:\/\/ or tls:\/\/ URL/],
      ['http://extractor:hunter2@nats:4222', /server #1 must be a nats:\/\/ or tls:\/\/ URL/],
      ['nats://a:hunter2@x:4222,nats://b:hunter2@y:4222', /server #2 carries other credentials/],
      ['nats://:hunter2@x:4222', /server #1 has a password but no user/],
      ['nats://a:hunter2%zz@x:4222', /server #1: the password is not valid percent-encoding/],
    ] as const) {
      const error = failure(servers);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('hunter2');
    }
  });
});
