import { InfrastructureModule } from '@fieldsync/infrastructure';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { CommandGateway } from './commands/command-gateway.service';
import { WritesController } from './commands/writes.controller';
import { WritesService } from './commands/writes.service';
import { OPERATOR_TOKEN, RATE_LIMITER, SESSION_TOKEN_KEY } from './auth/auth.constants';
import { sessionTokenKey } from '@fieldsync/session-client';
import { RateLimiter } from './auth/rate-limiter';
import { Authenticator } from './auth/authenticator.service';
import { API_CONFIG } from './config/config.constants';
import type { ApiConfig } from './config/api.config';
import { OperationsController } from './operations/operations.controller';
import { SessionsController } from './sessions/sessions.controller';
import { FeedsController } from './feeds/feeds.controller';
import { RequestIdHook } from './http/request-id.hook';
import { OpenApiController } from './openapi/openapi.controller';
import { ProblemFilter } from './problem/problem.filter';
import { ResourcesController } from './resources/resources.controller';
import { WebhookDispatcherClient } from './webhooks/webhook-dispatcher.client';
import { WebhookEndpointsController } from './webhooks/webhook-endpoints.controller';

/**
 * api: the integrators' REST surface (DESIGN "The REST API"): API keys per tenant, the canonical store's
 * collections, OpenAPI 3.1 at /openapi.json and /docs; errors as RFC 9457 problem details.
 */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [InfrastructureModule.forRoot({ service: 'api', config })],
      // ResourcesController last: its `/:collection` routes are the catch-all of the others' prefixes
      controllers: [
        OpenApiController,
        ApiKeysController,
        WritesController,
        FeedsController,
        OperationsController,
        SessionsController,
        WebhookEndpointsController,
        ResourcesController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: OPERATOR_TOKEN, useValue: config.FIELDSYNC_ADMIN_TOKEN },
        {
          provide: SESSION_TOKEN_KEY,
          useValue:
            config.FIELDSYNC_SESSION_TOKEN_SECRET === undefined
              ? undefined
              : sessionTokenKey(config.FIELDSYNC_SESSION_TOKEN_SECRET),
        },
        {
          provide: RATE_LIMITER,
          useValue: new RateLimiter(config.API_RATE_LIMIT, config.API_RATE_LIMIT_WINDOW),
        },
        Authenticator,
        CommandGateway,
        WritesService,
        WebhookDispatcherClient,
        RequestIdHook,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [API_CONFIG],
    };
  }
}
