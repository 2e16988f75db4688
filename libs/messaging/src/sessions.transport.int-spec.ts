import { Controller, type INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Payload, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { getTestServices, uniqueStreamPrefix } from '@fieldsync/testing';
import { firstValueFrom } from 'rxjs';
import { SessionsNatsServer, sessionRequest, sessionsClientOptions } from './sessions.transport';
import { sessionsFilter, sessionsSubject } from './subjects';

jest.setTimeout(30_000);

@Controller()
class FakeSessionStatusHandler {
  @MessagePattern(sessionsFilter('status'))
  status(@Payload() data: { connectionId: string }): { connectionId: string; healthy: boolean } {
    return { connectionId: data.connectionId, healthy: true };
  }

  @MessagePattern(sessionsSubject('con_fixed', 'acquire'))
  acquire(): { token: string } {
    return { token: 'sess-fixed' };
  }
}

describe('session look-ups over core NATS request/reply (Nest NATS transport)', () => {
  const prefix = uniqueStreamPrefix('sessions');
  let app: INestMicroservice;
  let client: ClientProxy;
  let otherPrefixClient: ClientProxy;

  beforeAll(async () => {
    const { natsUrl } = getTestServices();
    const moduleRef = await Test.createTestingModule({ controllers: [FakeSessionStatusHandler] }).compile();
    app = moduleRef.createNestMicroservice({
      strategy: new SessionsNatsServer({ servers: natsUrl, prefix }),
      logger: false,
    });
    await app.listen();
    client = ClientProxyFactory.create(sessionsClientOptions({ servers: natsUrl, prefix, timeoutMs: 2_000 }));
    otherPrefixClient = ClientProxyFactory.create(
      sessionsClientOptions({ servers: natsUrl, prefix: `${prefix}x` }),
    );
    await client.connect();
    await otherPrefixClient.connect();
  });

  afterAll(async () => {
    await client.close();
    await otherPrefixClient.close();
    await app.close();
  });

  it('answers ClientProxy.send on the prefixed sessions subject', async () => {
    const reply = await firstValueFrom(
      client.send<{ connectionId: string; healthy: boolean }>(sessionRequest('con_1', 'status', prefix), {
        connectionId: 'con_1',
      }),
    );
    expect(reply).toEqual({ connectionId: 'con_1', healthy: true });
    await expect(
      firstValueFrom(client.send(sessionRequest('con_fixed', 'acquire', prefix), {})),
    ).resolves.toEqual({ token: 'sess-fixed' });
  });

  it('does not answer requests of another prefix', async () => {
    const send = otherPrefixClient.send(sessionRequest('con_1', 'status', `${prefix}x`), {
      connectionId: 'con_1',
    });
    await expect(firstValueFrom(send)).rejects.toBeDefined();
  });
});
