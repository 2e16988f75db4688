import type { OutgoingHttpHeaders } from 'node:http';
import type { DynamicModule, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';

export interface TestResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** An HTTP request through Fastify's inject: the whole stack (guards, pipes, filters), no socket. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface BootTestAppOptions {
  /** Replace providers (a fake vendor clock, a spy) before compiling; real services stay real. */
  configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * Boots a Nest module in-process on the Fastify adapter, as an int-spec needs it: the module's real
 * providers against the harness's Postgres and NATS, HTTP through inject. close() runs the shutdown hooks.
 */
export async function bootTestApp(
  module: Type<unknown> | DynamicModule,
  options: BootTestAppOptions = {},
): Promise<TestApp> {
  const builder = Test.createTestingModule({ imports: [module] });
  const moduleRef = await (options.configure ? options.configure(builder) : builder).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    async request(method, url, body) {
      const res = await app.inject({
        method,
        url,
        ...(body === undefined
          ? {}
          : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const isJson = String(res.headers['content-type'] ?? '').includes('application/json');
      return {
        status: res.statusCode,
        headers: res.headers,
        body: isJson ? res.json<unknown>() : res.body,
      };
    },
    close: () => app.close(),
  };
}
