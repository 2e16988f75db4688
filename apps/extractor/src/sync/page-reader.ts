import {
  VendorCallGaveUp,
  callVendor,
  type ReadPage,
  type StreamReader,
  type SyncContext,
} from '@fieldsync/connector-kit';
import type { ConnectionRateLimiter } from '@fieldsync/platform';
import type { SessionSource, SourcedSession } from './session-source.types';
import { SyncError, SyncErrorCode } from './sync.error';
import type { SyncMetrics } from './sync.metrics';
import type { SyncOptions } from './sync-options.types';

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Reads one page of a stream with the connection's session under the vendor-call policy
 * (connector-kit `callVendor`): every request paced per connection by the limiter (`ctx.pace`; a 429's
 * Retry-After also holds the connection's other streams), a 401 renews the session once, 429s are waited out up to
 * EXTRACTOR_MAX_RETRY_AFTER, 5xx and timeouts back off up to EXTRACTOR_MAX_ATTEMPTS tries. A try that
 * has no answer within EXTRACTOR_VENDOR_TIMEOUT (counted from after the limiter let it go) is aborted and
 * counts as a timeout. Keeps the session it ends with for the next page.
 */
export class PageReader {
  constructor(
    private readonly sessions: SessionSource,
    private readonly limiter: ConnectionRateLimiter,
    private readonly metrics: SyncMetrics,
    private readonly options: Pick<
      SyncOptions,
      'maxAttempts' | 'retryBaseMs' | 'retryMaxMs' | 'maxRetryAfterMs' | 'vendorTimeoutMs'
    >,
  ) {}

  /** The connection's session, or a retriable SyncError saying why there is none. */
  async acquire(connectionId: string): Promise<SourcedSession> {
    try {
      return await this.sessions.acquire(connectionId);
    } catch (error) {
      throw new SyncError(
        SyncErrorCode.SessionUnavailable,
        `no session for ${connectionId}: ${describe(error)}`,
        true,
        { cause: error },
      );
    }
  }

  async read(
    stream: StreamReader,
    ctx: Omit<SyncContext, 'session'>,
    checkpoint: string | null,
    initial: SourcedSession,
  ): Promise<{ page: ReadPage; session: SourcedSession }> {
    let session = initial;
    try {
      const page = await callVendor(
        (trySignal) => {
          // Every request of the page is paced, the follow-up lookups too (assignments by id, jobs behind
          // estimates): the first took its turn before the try (beforeTry), the rest take theirs here.
          let first = true;
          const pace = async (): Promise<void> => {
            if (first) {
              first = false;
              return;
            }
            await this.limiter.take(ctx.connectionId, trySignal);
          };
          return stream.readPage({ ...ctx, signal: trySignal, session: session.session, pace }, checkpoint);
        },
        {
          maxAttempts: this.options.maxAttempts,
          retryBaseMs: this.options.retryBaseMs,
          retryMaxMs: this.options.retryMaxMs,
          maxRetryAfterMs: this.options.maxRetryAfterMs,
          onRateLimit: 'wait',
          attemptTimeoutMs: this.options.vendorTimeoutMs,
        },
        {
          beforeTry: (signal) => this.limiter.take(ctx.connectionId, signal),
          renewSession: async (failure) => {
            ctx.logger.info(
              { status: failure.status },
              'vendor rejected the session; invalidating and retrying once',
            );
            await this.sessions.invalidate(ctx.connectionId, 'unauthorized', session.sessionVersion);
            session = await this.acquire(ctx.connectionId);
          },
          onFailure: (failure) => this.metrics.retried(ctx.vendor, failure.kind),
          onRateLimited: (ms) => this.limiter.pause(ctx.connectionId, ms),
          onRetry: (failure, attempt, delayMs) =>
            ctx.logger.debug({ kind: failure.kind, attempt, delayMs }, 'vendor call failed; trying again'),
        },
        ctx.signal,
      );
      return { page, session };
    } catch (error) {
      if (ctx.signal.aborted || error instanceof SyncError) throw error;
      if (error instanceof VendorCallGaveUp) {
        throw new SyncError(
          error.failure.kind === 'unauthorized'
            ? SyncErrorCode.Unauthorized
            : SyncErrorCode.VendorUnavailable,
          `${stream.stream}: ${error.message}`,
          true,
          { cause: error },
        );
      }
      throw new SyncError(SyncErrorCode.Failed, `reader ${stream.stream} failed: ${describe(error)}`, true, {
        cause: error,
      });
    }
  }
}
