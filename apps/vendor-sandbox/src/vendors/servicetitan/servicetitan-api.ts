import type { FastifyInstance } from 'fastify';
import type { PortalKit } from '../../portal/portal.types';
import {
  DEFAULT_EXPORT_BATCH_SIZE,
  DEFAULT_REQUESTS_PER_SECOND,
  SERVICETITAN_TENANT_ID,
  type ServiceTitanApiOptions,
} from './servicetitan-api.constants';
import { notFound, problem, sendProblem } from './servicetitan-problem.util';
import { ServiceTitanRateLimiter } from './servicetitan-rate-limiter';
import { registerLookupRoutes } from './servicetitan-lookup.routes';
import { registerReadRoutes } from './servicetitan-read.routes';
import { registerWriteRoutes } from './servicetitan-write.routes';

/**
 * ServiceTitan's v2 REST API behind the portal session: `/{module}/v2/tenant/{tenant}/…`. Inside the
 * authenticated scope (session, CSRF and control-API faults come first), each request takes a token of
 * the tenant's 60/s bucket, then the tenant in the path must be the sandbox's.
 */
export function mountServiceTitanApi(
  scope: FastifyInstance,
  kit: PortalKit,
  options: ServiceTitanApiOptions = {},
): void {
  const limiter = new ServiceTitanRateLimiter(
    options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
    kit.clock,
  );
  kit.onReset(() => limiter.clear());
  void scope.register(async (api) => {
    api.addHook('preHandler', async (request, reply) => {
      const tenant = Number((request.params as { tenant?: string }).tenant);
      const taken = limiter.take(SERVICETITAN_TENANT_ID);
      if (!taken.ok) {
        return sendProblem(
          reply.header('retry-after', String(taken.retryAfterSeconds)),
          problem(429, { title: 'Rate limit exceeded: 60 requests per second per tenant.' }),
        );
      }
      if (tenant !== SERVICETITAN_TENANT_ID) return sendProblem(reply, notFound('tenant'));
      return undefined;
    });
    registerReadRoutes(api, kit, { exportBatchSize: options.exportBatchSize ?? DEFAULT_EXPORT_BATCH_SIZE });
    registerLookupRoutes(api, kit);
    registerWriteRoutes(api, kit);
  });
}
