import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { bootTestApp } from './boot-test-app.util';

@Controller('echo')
class EchoController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }

  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('bootTestApp', () => {
  it('serves the module over Fastify inject and closes', async () => {
    const app = await bootTestApp(EchoModule);
    try {
      expect(await app.request('GET', '/echo')).toMatchObject({ status: 200, body: { hello: 'world' } });
      expect(await app.request('POST', '/echo', { a: 1 })).toMatchObject({ status: 201, body: { a: 1 } });
      expect((await app.request('GET', '/nope')).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
