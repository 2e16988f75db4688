import type { FastifyInstance } from 'fastify';
import {
  GraphQLError,
  Kind,
  execute,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { z } from 'zod';
import type { PortalKit } from '../../portal/portal.types';
import { CostBucket, JOBBER_COST_BUCKET, RequestWindow, type CostBucketOptions } from './jobber-cost.bucket';
import type { JobberContext } from './jobber.context';
import { JobberMapper } from './jobber.mapper';
import { mutationResolvers } from './jobber-mutations.resolvers';
import { actualQueryCost, requestedQueryCost, type CostInput } from './jobber-query-cost.util';
import { applyResolvers, queryResolvers } from './jobber.resolvers';
import { buildJobberSchema } from './jobber.schema';
import { JobberUpdatedIndex } from './jobber-updated.index';
import { resolveVersion } from './jobber-api.versions';

export const JOBBER_GRAPHQL_PATH = '/api/graphql';

export interface JobberApiOptions {
  /** The query-cost bucket; null turns throttling off (benchmarks). Default 10,000 points, 500/s. */
  costBucket?: CostBucketOptions | null;
  /** Requests per window per app and account before HTTP 429 (default 2,500 per 300 s); null: no window. */
  requestLimit?: { limit: number; windowMs: number } | null;
}

const bodySchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

let schemaSingleton: GraphQLSchema | undefined;
/** The executable schema (built once: resolvers read the world from the context, per request). */
export function jobberSchema(): GraphQLSchema {
  schemaSingleton ??= applyResolvers(buildJobberSchema(), queryResolvers, mutationResolvers);
  return schemaSingleton;
}

const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * `POST /api/graphql` behind the portal session (cookie + `X-CSRF-Token`, the framework checks both):
 * the request window (429), the version header, parsing and validation, the query-cost bucket
 * (THROTTLED at HTTP 200, no data), then execution against the current world. Every answer after the
 * version check carries `extensions.cost` and `extensions.versioning`.
 */
export function registerJobberGraphql(
  scope: FastifyInstance,
  kit: PortalKit,
  options: JobberApiOptions = {},
): void {
  const schema = jobberSchema();
  const index = new JobberUpdatedIndex();
  const bucketOptions = options.costBucket === undefined ? JOBBER_COST_BUCKET : options.costBucket;
  const bucket = bucketOptions ? new CostBucket(bucketOptions, kit.clock) : null;
  const limit =
    options.requestLimit === undefined ? { limit: 2_500, windowMs: 300_000 } : options.requestLimit;
  const window = limit ? new RequestWindow(limit.limit, limit.windowMs, kit.clock) : null;
  kit.onReset(() => {
    bucket?.reset();
    window?.reset();
  });

  const throttleStatus = () =>
    bucket?.status() ?? { maximumAvailable: 10_000, currentlyAvailable: 10_000, restoreRate: 500 };

  scope.post(JOBBER_GRAPHQL_PATH, async (request, reply) => {
    const admitted = window?.admit() ?? { ok: true as const };
    if (!admitted.ok) {
      return reply
        .code(429)
        .header('retry-after', String(admitted.retryAfterSeconds))
        .send({ message: 'Too Many Requests' });
    }
    const header = request.headers['x-jobber-graphql-version'];
    const version = resolveVersion(Array.isArray(header) ? header[0] : header);
    if (!version.ok) return reply.code(200).send(errorBody(version.message, version.code));
    reply.header('x-jobber-graphql-version', version.version);
    const versioning = { version: version.version, ...(version.warning ? { warning: version.warning } : {}) };

    const body = bodySchema.safeParse(request.body);
    if (!body.success) {
      return reply.code(400).send(errorBody('A JSON body with a "query" string is required', 'BAD_REQUEST'));
    }
    let document: DocumentNode;
    try {
      document = parse(body.data.query);
    } catch (err) {
      return reply.send({
        ...errorBody((err as GraphQLError).message, 'GRAPHQL_PARSE_FAILED'),
        extensions: { versioning },
      });
    }
    const validation = validate(schema, document);
    if (validation.length > 0) {
      return reply.send({
        errors: validation.map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
        extensions: { versioning },
      });
    }
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation =
      operations.find((o) => o.name?.value === body.data.operationName) ??
      (operations.length === 1 ? operations[0] : undefined);
    if (!operation) {
      return reply.send({
        ...errorBody('Must provide operation name if query contains multiple operations', 'BAD_REQUEST'),
        extensions: { versioning },
      });
    }
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const costInput: CostInput = { schema, operation, fragments, variables: body.data.variables ?? {} };
    const requested = requestedQueryCost(costInput);
    if (bucket && !bucket.take(requested)) {
      kit.requests.chargeCost(0, true);
      return reply.send({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: 0, throttleStatus: throttleStatus() },
          versioning,
        },
      });
    }
    const session = request.portalSession;
    const employee = session ? kit.users.byId(session.userId)?.email : undefined;
    const world = kit.world.world;
    const context: JobberContext = {
      world,
      mapper: new JobberMapper(world),
      index,
      actingEmployeeId:
        employee === undefined
          ? null
          : (Array.from(world.store.all('employee')).find((e) => e.email === employee)?.id ?? null),
    };
    const result = await execute({
      schema,
      document,
      operationName: operation.name?.value ?? null,
      variableValues: body.data.variables ?? {},
      contextValue: context,
    });
    const actual = result.errors && !result.data ? 0 : actualQueryCost(costInput, result.data);
    bucket?.refund(requested - actual);
    if (bucket) kit.requests.chargeCost(actual, false);
    return reply.send({
      ...(result.data === undefined ? {} : { data: result.data }),
      ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() },
        versioning,
      },
    });
  });
}
