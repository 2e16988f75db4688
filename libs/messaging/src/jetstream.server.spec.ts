import { RpcException } from '@nestjs/microservices';
import { z } from 'zod';
import { classifyHandlerError, retryDelayMs } from './jetstream.server';
import { RetriableError, TerminalError } from './messaging.error';
import { parsePayload } from './payload.util';
import { Semaphore } from './semaphore.util';

describe('classifyHandlerError', () => {
  it('keeps the outcome of our errors, also after Nest turned them into RpcException payloads', () => {
    expect(classifyHandlerError(new RetriableError('db busy', { delayMs: 300 }))).toEqual({
      outcome: 'retriable',
      reason: 'db busy',
      delayMs: 300,
    });
    expect(classifyHandlerError(new TerminalError('unknown command'))).toEqual({
      outcome: 'terminal',
      reason: 'unknown command',
    });
    expect(classifyHandlerError(new TerminalError('x').getError())).toEqual({
      outcome: 'terminal',
      reason: 'x',
    });
    expect(classifyHandlerError(new RetriableError('y', { delayMs: 5 }).getError())).toMatchObject({
      delayMs: 5,
    });
  });

  it('treats zod and JSON errors as terminal and anything else as retriable', () => {
    const zodErr = z.object({ a: z.string() }).safeParse({}).error;
    expect(classifyHandlerError(zodErr).outcome).toBe('terminal');
    expect(classifyHandlerError(new SyntaxError('Unexpected token')).outcome).toBe('terminal');
    expect(classifyHandlerError(new Error('boom')).outcome).toBe('retriable');
    expect(classifyHandlerError(new RpcException('nope')).outcome).toBe('retriable');
    expect(classifyHandlerError({ status: 'error', message: 'Internal server error' })).toEqual({
      outcome: 'retriable',
      reason: 'Internal server error',
    });
  });

  it('parsePayload throws a TerminalError naming the field', () => {
    expect(() => parsePayload(z.object({ jobId: z.string() }), { jobId: 1 })).toThrow(/jobId/);
    expect(() => parsePayload(z.object({ jobId: z.string() }), { jobId: 1 })).toThrow(TerminalError);
  });
});

describe('retryDelayMs', () => {
  it('doubles per delivery up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000]);
  });
});

describe('Semaphore', () => {
  it('never admits more than its limit', async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        await sem.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        sem.release();
      }),
    );
    expect(peak).toBe(2);
    expect(sem.inUse).toBe(0);
  });
});
