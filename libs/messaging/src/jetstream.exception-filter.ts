import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { JetStreamContext } from './jetstream.context';

/**
 * Nest's default RPC exception filter replaces any error that is not an RpcException with
 * "Internal server error", which hides a ZodError from the transport (it would be retried until
 * max_deliver instead of going to the DLQ at once). Register this filter globally on JetStream
 * consumers (`app.useGlobalFilters(new JetStreamExceptionFilter())`) so the transport sees the
 * original error. Other transports keep Nest's default behaviour.
 */
@Catch()
export class JetStreamExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly fallback = new BaseRpcExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    if (host.getType() === 'rpc' && host.getArgByIndex(1) instanceof JetStreamContext) {
      return throwError(() => exception);
    }
    return this.fallback.catch(exception, host) as Observable<unknown>;
  }
}
