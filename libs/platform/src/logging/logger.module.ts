import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule as NestPinoLoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

/** Probes and scrapes are frequent and say nothing: no request log lines for them. */
const QUIET_ROUTES = ['health/live', 'health/ready', 'metrics'].map((path) => ({
  path,
  method: RequestMethod.GET,
}));

/**
 * nestjs-pino over the process's one pino instance (createLogger): Nest's own messages, every
 * `PinoLogger`/`Logger` injection and the HTTP request logs all go through the same redaction.
 */
@Module({})
export class LoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggerModule,
      imports: [
        NestPinoLoggerModule.forRoot({
          pinoHttp: { logger, quietReqLogger: true },
          exclude: QUIET_ROUTES,
        }),
      ],
      exports: [NestPinoLoggerModule],
    };
  }
}
