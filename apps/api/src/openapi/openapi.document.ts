import {
  createWebhookEndpointSchema,
  recoverWebhookMessagesSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
} from '@fieldsync/canonical-model';
import { z } from 'zod';
import {
  apiKeyListSchema,
  apiKeySchema,
  createApiKeyRequestSchema,
  createdApiKeySchema,
} from '../auth/api-key.schemas';
import { commandAcceptedSchema, commandStatusSchema } from '../commands/command-response.schemas';
import { WRITE_ROUTES } from '../commands/write-routes';
import { addressInputSchema, lineItemInputSchema } from '../commands/write-body.schemas';
import { auditEntrySchema, auditPageSchema, eventFeedSchema } from '../feeds/feed.schemas';
import {
  connectionListSchema,
  connectionSchema,
  driftPageSchema,
  driftReportSchema,
  streamSyncSchema,
} from '../operations/operations.schemas';
import { problemSchema } from '../problem/problem.schema';
import { establishSessionSchema, refreshSessionSchema, sessionSchema } from '../sessions/sessions.schemas';
import {
  createdWebhookEndpointSchema,
  recoveredWebhookMessagesSchema,
  rotatedWebhookSecretSchema,
  webhookAttemptListSchema,
  webhookAttemptSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookMessageDetailSchema,
  webhookMessageListSchema,
  webhookMessageSchema,
  webhookSecretSchema,
} from '../webhooks/webhook-endpoint.schemas';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem.filter';
import { listParameters } from '../resources/list-query.schema';
import { RESOURCES } from '../resources/resource.registry';
import { lineItemSchema } from '../resources/collections/sales.resources';
import { addressSchema, geocodeSchema } from '../resources/collections/shared-fields.schema';
import type { AnyResource } from '../resources/resource.types';

type JsonObject = Record<string, unknown>;

const idOf = (schema: z.ZodType): string => {
  const id = z.globalRegistry.get(schema)?.id;
  if (typeof id !== 'string') throw new Error('every OpenAPI component schema needs .meta({ id })');
  return id;
};
const ref = (schema: z.ZodType): JsonObject => ({ $ref: `#/components/schemas/${idOf(schema)}` });

/** A standalone JSON Schema (2020-12, what OpenAPI 3.1 uses) without the `$schema` / `$id` keywords. */
function plainSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonObject {
  const {
    $schema: _schema,
    $id: _id,
    ...rest
  } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
}

function pageSchemaOf(resource: AnyResource): z.ZodType {
  return z
    .strictObject({
      items: z.array(resource.item),
      page: z.int(),
      pageSize: z.int(),
      total: z.int().nullable().describe('Items matching the filters; null on a cursor page (not counted)'),
      nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
    })
    .meta({ id: `${idOf(resource.item)}Page` });
}

const problem = (description: string): JsonObject => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ref(problemSchema) } },
});
const ERRORS = {
  '429': problem('The API key made too many requests in its window: see Retry-After'),
  '400': problem('Invalid request: `errors` names each bad field'),
  '401': problem('Missing, invalid, revoked or expired credentials'),
  '403': problem('The credentials lack the scope'),
  '404': problem('Not found, or another tenant’s'),
};
const json = (description: string, schema: JsonObject): JsonObject => ({
  description,
  headers: { 'X-Request-Id': { schema: { type: 'string' }, description: 'The request id' } },
  content: { 'application/json': { schema } },
});
const pathParameter = (name: string, description: string): JsonObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

function resourcePaths(resource: AnyResource, components: z.ZodType[]): Record<string, JsonObject> {
  const page = pageSchemaOf(resource);
  components.push(page);
  const tag = resource.name;
  const query = listParameters(resource).map((p) => ({
    name: p.name,
    in: 'query',
    required: false,
    description: p.description,
    schema: plainSchema(p.schema, 'input'),
  }));
  const connection = pathParameter('connectionId', 'The connection (the product pages’ integration id)');
  const id = pathParameter(resource.idField, `The ${resource.idField}`);
  const list = (operationId: string, extra: JsonObject[], omit: string[]): JsonObject => ({
    get: {
      operationId,
      tags: [tag],
      summary: `List ${resource.summary.charAt(0).toLowerCase()}${resource.summary.slice(1)}`,
      parameters: [...extra, ...query.filter((q) => !omit.includes(q.name))],
      responses: { '200': json(`A page of ${resource.name}`, ref(page)), ...ERRORS },
    },
  });
  const one = (operationId: string, extra: JsonObject[]): JsonObject => ({
    get: {
      operationId,
      tags: [tag],
      summary: `One of ${resource.name} by ${resource.idField}`,
      parameters: [...extra, id],
      responses: { '200': json(`The ${resource.idField}'s item`, ref(resource.item)), ...ERRORS },
    },
  });
  const camel = resource.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const pascal = camel.charAt(0).toUpperCase() + camel.slice(1);
  return {
    [`/${resource.name}`]: list(`list${pascal}`, [], []),
    [`/${resource.name}/{${resource.idField}}`]: one(`get${pascal}`, []),
    [`/connections/{connectionId}/${resource.name}`]: list(
      `list${pascal}OfConnection`,
      [connection],
      ['connectionId'],
    ),
    [`/connections/{connectionId}/${resource.name}/{${resource.idField}}`]: one(`get${pascal}OfConnection`, [
      connection,
    ]),
  };
}

const tenantQuery = {
  name: 'tenantId',
  in: 'query',
  required: false,
  description: 'The tenant (operator token only; an admin key is its own tenant)',
  schema: { type: 'string' },
};

/**
 * The OpenAPI 3.1 document of the api, generated from the same zod schemas that parse requests and check
 * responses: one source of truth. Components are every schema with a `.meta({ id })`.
 */
export function buildOpenApiDocument(): JsonObject {
  const components: z.ZodType[] = [
    problemSchema,
    apiKeySchema,
    createdApiKeySchema,
    apiKeyListSchema,
    createApiKeyRequestSchema,
  ];
  const paths: Record<string, JsonObject> = {
    '/api-keys': {
      post: {
        operationId: 'createApiKey',
        tags: ['api-keys'],
        summary: 'Create an API key (the secret is in this response only)',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref(createApiKeyRequestSchema) } },
        },
        responses: { '201': json('The key, with its secret', ref(createdApiKeySchema)), ...ERRORS },
      },
      get: {
        operationId: 'listApiKeys',
        tags: ['api-keys'],
        summary: 'List a tenant’s API keys (never their secrets)',
        parameters: [tenantQuery],
        responses: { '200': json('The tenant’s keys', ref(apiKeyListSchema)), ...ERRORS },
      },
    },
    '/api-keys/{keyId}': {
      delete: {
        operationId: 'revokeApiKey',
        tags: ['api-keys'],
        summary: 'Revoke an API key (effective on the next request)',
        parameters: [pathParameter('keyId', 'The key id (ak_…)'), tenantQuery],
        responses: { '200': json('The revoked key', ref(apiKeySchema)), ...ERRORS },
      },
    },
  };
  for (const resource of RESOURCES) {
    if (!components.includes(resource.item)) components.push(resource.item);
    Object.assign(paths, resourcePaths(resource, components));
  }
  components.push(commandAcceptedSchema, commandStatusSchema);
  for (const route of WRITE_ROUTES) {
    components.push(route.body, route.response);
    for (const [path, operationId, summary] of [
      [route.path, route.operationId, route.summary],
      ...(route.unprefixed
        ? [
            [
              route.unprefixed.path,
              route.unprefixed.operationId,
              `${route.summary}: through a session token's connection, or the tenant's only one (400 naming connectionId otherwise)`,
            ] as const,
          ]
        : []),
    ] as const) {
      const parameters = [
        ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => pathParameter(m[1] ?? '', `The ${m[1] ?? ''}`)),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description: 'Unique per operation (≤ 255 printable characters, e.g. a UUID); kept 24 h',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      ];
      paths[path] = {
        ...paths[path],
        [route.method.toLowerCase()]: {
          operationId,
          tags: ['commands'],
          summary: `${summary} (command ${route.type})`,
          parameters,
          requestBody: { required: true, content: { 'application/json': { schema: ref(route.body) } } },
          responses: {
            [String(route.status)]: json(
              'The command succeeded (replays carry Idempotent-Replayed: true)',
              ref(route.response),
            ),
            '202': json('Still running after API_COMMAND_WAIT: poll Location', ref(commandAcceptedSchema)),
            ...ERRORS,
            '409': problem('A request with this Idempotency-Key is in flight, or a schedule conflict'),
            '422': problem(
              'The Idempotency-Key was used with another request, or the vendor refused (naming the field)',
            ),
            '429': problem('The vendor rate-limited the command; retry'),
            '502': problem('The vendor could not be reached; retry with the same key'),
            '504': problem('The vendor did not answer in time; retry with the same key'),
          },
        },
      };
    }
  }
  components.push(eventFeedSchema, auditPageSchema, auditEntrySchema);
  const queryParameter = (name: string, description: string, schema: JsonObject = { type: 'string' }) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  paths['/events'] = {
    get: {
      operationId: 'listEvents',
      tags: ['events'],
      summary: 'The change log as a feed: published change events after a position, in publish order',
      parameters: [
        queryParameter('after', 'Read events after this position (0: from the start)', {
          type: 'string',
          pattern: '^\\d+$',
        }),
        queryParameter('types', 'Comma-separated event types (job.created,invoice.paid …)'),
        queryParameter('connectionId', 'Only this connection'),
        queryParameter('limit', 'At most this many (≤ 500, default 100)', {
          type: 'string',
          pattern: '^\\d+$',
        }),
      ],
      responses: { '200': json('Events and the next position', ref(eventFeedSchema)), ...ERRORS },
    },
  };
  paths['/audit-log'] = {
    get: {
      operationId: 'listAuditLog',
      tags: ['audit-log'],
      summary: 'Who did what: key changes and writes, newest first (admin scope or operator)',
      parameters: [
        tenantQuery,
        queryParameter('action', 'api_key.created, api_key.revoked, job.create …'),
        queryParameter('actor', 'operator or key:<id>'),
        queryParameter('from', 'At or after (ISO 8601)'),
        queryParameter('to', 'At or before (ISO 8601)'),
        queryParameter('page', 'From 1', { type: 'string', pattern: '^\\d+$' }),
        queryParameter('pageSize', '≤ 200, default 50', { type: 'string', pattern: '^\\d+$' }),
      ],
      responses: { '200': json('A page of audit entries', ref(auditPageSchema)), ...ERRORS },
    },
  };
  components.push(
    connectionListSchema,
    connectionSchema,
    streamSyncSchema,
    driftPageSchema,
    driftReportSchema,
  );
  paths['/connections'] = {
    get: {
      operationId: 'listConnections',
      tags: ['connections'],
      summary: 'The tenant’s vendor connections with each stream’s sync state (last success, lag, errors)',
      responses: { '200': json('Every connection of the tenant', ref(connectionListSchema)), ...ERRORS },
    },
  };
  paths['/connections/{connectionId}'] = {
    get: {
      operationId: 'getConnection',
      tags: ['connections'],
      summary: 'One connection with each stream’s sync state',
      parameters: [pathParameter('connectionId', 'The connection id (con_…)')],
      responses: { '200': json('The connection', ref(connectionSchema)), ...ERRORS },
    },
  };
  paths['/drift-reports'] = {
    get: {
      operationId: 'listDriftReports',
      tags: ['drift-reports'],
      summary: 'Vendor records that no longer fit their schema, latest first (quarantined, not stored)',
      parameters: [
        queryParameter('connectionId', 'Only this connection'),
        queryParameter('resolved', 'true: only resolved; false: only open', {
          type: 'string',
          enum: ['true', 'false'],
        }),
        queryParameter('page', 'From 1', { type: 'string', pattern: '^\\d+$' }),
        queryParameter('pageSize', '≤ 200, default 50', { type: 'string', pattern: '^\\d+$' }),
      ],
      responses: { '200': json('A page of drift reports', ref(driftPageSchema)), ...ERRORS },
    },
  };
  paths['/drift-reports/{driftReportId}/resolve'] = {
    post: {
      operationId: 'resolveDriftReport',
      tags: ['drift-reports'],
      summary: 'Mark a drift report handled (write scope); it reopens if the drift recurs',
      parameters: [pathParameter('driftReportId', 'The report id (drf_…)')],
      responses: { '200': json('The resolved report', ref(driftReportSchema)), ...ERRORS },
    },
  };
  components.push(establishSessionSchema, refreshSessionSchema, sessionSchema);
  const sessionErrors = {
    '400': ERRORS['400'],
    '401': problem('The credentials do not match the connection, or the token is invalid or too old'),
    '403': problem('The connection is disabled, or the MFA type is not the connection’s'),
    '404': ERRORS['404'],
    '409': problem('The connection needs an operator’s attention (its credentials failed at the vendor)'),
    '429': ERRORS['429'],
    '502': problem('The vendor’s login failed or the vendor could not be reached: see Retry-After'),
    '503': problem('Sessions are not served by this deployment, or the session manager is unreachable'),
    '504': problem('The MFA code did not arrive in time'),
  };
  const requestBody = (schema: z.ZodType): JsonObject => ({
    required: true,
    content: { 'application/json': { schema: ref(schema) } },
  });
  paths['/sessions'] = {
    post: {
      operationId: 'createSession',
      tags: ['sessions'],
      summary:
        'Establish (or reuse) the platform’s vendor session for a connection with its credentials: a short-lived token for this API, limited to that connection',
      security: [],
      requestBody: requestBody(establishSessionSchema),
      responses: { '200': json('The session token', ref(sessionSchema)), ...sessionErrors },
    },
  };
  paths['/sessions/refresh'] = {
    post: {
      operationId: 'refreshSession',
      tags: ['sessions'],
      summary: 'Exchange a session token (Authorization: Bearer, or authToken) for a fresh one',
      security: [],
      requestBody: { ...requestBody(refreshSessionSchema), required: false },
      responses: { '200': json('A fresh session token', ref(sessionSchema)), ...sessionErrors },
    },
  };
  components.push(
    createWebhookEndpointSchema,
    updateWebhookEndpointSchema,
    rotateWebhookSecretSchema,
    recoverWebhookMessagesSchema,
    webhookEndpointSchema,
    createdWebhookEndpointSchema,
    webhookEndpointListSchema,
    webhookSecretSchema,
    rotatedWebhookSecretSchema,
    webhookMessageSchema,
    webhookMessageListSchema,
    webhookMessageDetailSchema,
    webhookAttemptSchema,
    webhookAttemptListSchema,
    recoveredWebhookMessagesSchema,
  );
  const webhookErrors = {
    ...ERRORS,
    '403': problem('The key lacks the scope, or a session token was used (endpoints are the tenant’s)'),
    '503': problem('Webhooks are not served by this deployment, or the dispatcher is unreachable'),
  };
  const endpointId = pathParameter('endpointId', 'The endpoint id (ep_…)');
  const messageId = pathParameter('messageId', 'The message id (msg_…, the webhook-id header)');
  const webhookOperation = (
    operationId: string,
    summary: string,
    status: string,
    answer: JsonObject | undefined,
    extra: { parameters?: JsonObject[]; body?: z.ZodType; bodyRequired?: boolean } = {},
  ): JsonObject => ({
    operationId,
    tags: ['webhook-endpoints'],
    summary,
    ...(extra.parameters ? { parameters: extra.parameters } : {}),
    ...(extra.body
      ? { requestBody: { ...requestBody(extra.body), required: extra.bodyRequired ?? true } }
      : {}),
    responses: {
      [status]: answer ?? { description: 'Done (no content)' },
      ...webhookErrors,
    },
  });
  paths['/webhook-endpoints'] = {
    post: webhookOperation(
      'createWebhookEndpoint',
      'Create a webhook endpoint of the key’s tenant; the answer carries its signing secret (write scope)',
      '201',
      json('The endpoint with its secret', ref(createdWebhookEndpointSchema)),
      { body: createWebhookEndpointSchema },
    ),
    get: webhookOperation(
      'listWebhookEndpoints',
      'List the tenant’s webhook endpoints, oldest first',
      '200',
      json('A page of endpoints', ref(webhookEndpointListSchema)),
      {
        parameters: [
          queryParameter('limit', '1–250, default 50', { type: 'string', pattern: '^\\d+$' }),
          queryParameter('after', 'The `next` of the previous page'),
        ],
      },
    ),
  };
  paths['/webhook-endpoints/{endpointId}'] = {
    get: webhookOperation(
      'getWebhookEndpoint',
      'One endpoint (never its secret)',
      '200',
      json('The endpoint', ref(webhookEndpointSchema)),
      { parameters: [endpointId] },
    ),
    patch: webhookOperation(
      'updateWebhookEndpoint',
      'Change an endpoint’s url, description, filters, rate limit or ordering (write scope)',
      '200',
      json('The endpoint', ref(webhookEndpointSchema)),
      { parameters: [endpointId], body: updateWebhookEndpointSchema },
    ),
    delete: webhookOperation(
      'deleteWebhookEndpoint',
      'Delete an endpoint with its messages (write scope)',
      '204',
      undefined,
      { parameters: [endpointId] },
    ),
  };
  for (const [action, summary] of [
    ['enable', 'Deliver again (write scope); recover what failed meanwhile'],
    ['disable', 'Stop delivering: pending messages fail (write scope)'],
  ] as const) {
    paths[`/webhook-endpoints/{endpointId}/${action}`] = {
      post: webhookOperation(
        `${action}WebhookEndpoint`,
        summary,
        '200',
        json('The endpoint', ref(webhookEndpointSchema)),
        { parameters: [endpointId] },
      ),
    };
  }
  paths['/webhook-endpoints/{endpointId}/secret'] = {
    get: webhookOperation(
      'getWebhookEndpointSecret',
      'The current signing secret (write scope; audited)',
      '200',
      json('The secret', ref(webhookSecretSchema)),
      { parameters: [endpointId] },
    ),
  };
  paths['/webhook-endpoints/{endpointId}/rotate-secret'] = {
    post: webhookOperation(
      'rotateWebhookEndpointSecret',
      'A new signing secret; the old one keeps signing for 24 h (write scope)',
      '200',
      json('The new secret', ref(rotatedWebhookSecretSchema)),
      { parameters: [endpointId], body: rotateWebhookSecretSchema, bodyRequired: false },
    ),
  };
  paths['/webhook-endpoints/{endpointId}/messages'] = {
    get: webhookOperation(
      'listWebhookMessages',
      'The endpoint’s messages, newest first',
      '200',
      json('A page of messages', ref(webhookMessageListSchema)),
      {
        parameters: [
          endpointId,
          queryParameter('limit', '1–250, default 50', { type: 'string', pattern: '^\\d+$' }),
          queryParameter('before', 'The `next` of the previous page'),
          queryParameter('status', 'Only these', {
            type: 'string',
            enum: ['pending', 'succeeded', 'failed'],
          }),
        ],
      },
    ),
  };
  paths['/webhook-endpoints/{endpointId}/recover'] = {
    post: webhookOperation(
      'recoverWebhookMessages',
      'Send again every failed message created in a window (≤ 14 days back; write scope)',
      '202',
      json('How many were recovered', ref(recoveredWebhookMessagesSchema)),
      { parameters: [endpointId], body: recoverWebhookMessagesSchema },
    ),
  };
  paths['/webhook-messages/{messageId}'] = {
    get: webhookOperation(
      'getWebhookMessage',
      'One message with its payload and attempts',
      '200',
      json('The message', ref(webhookMessageDetailSchema)),
      { parameters: [messageId] },
    ),
  };
  paths['/webhook-messages/{messageId}/attempts'] = {
    get: webhookOperation(
      'listWebhookAttempts',
      'A message’s attempts: outcome, status code, duration, response excerpt',
      '200',
      json('The attempts', ref(webhookAttemptListSchema)),
      { parameters: [messageId] },
    ),
  };
  paths['/webhook-messages/{messageId}/resend'] = {
    post: webhookOperation(
      'resendWebhookMessage',
      'Send a message again now (same webhook-id, fresh retry schedule; write scope)',
      '202',
      json('The message', ref(webhookMessageSchema)),
      { parameters: [messageId] },
    ),
  };
  paths['/commands/{commandId}'] = {
    get: {
      operationId: 'getCommand',
      tags: ['commands'],
      summary: 'A command sent through the API or over NATS: status, result or error',
      parameters: [pathParameter('commandId', 'The command id (cmd_…)')],
      responses: { '200': json('The command', ref(commandStatusSchema)), ...ERRORS },
    },
  };
  const registry = z.registry<{ id: string }>();
  const add = (schema: z.ZodType): void => {
    if (!registry.has(schema)) registry.add(schema, { id: idOf(schema) });
  };
  components.forEach(add);
  // nested schemas with an id of their own become components too
  [addressSchema, geocodeSchema, lineItemSchema, addressInputSchema, lineItemInputSchema].forEach(add);
  const rendered = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  if ('__shared' in rendered.schemas) {
    // a schema with .meta({ id }) nested in a component but not registered: it would be an unresolvable $ref
    throw new Error(
      `OpenAPI components missing: ${Object.keys(rendered.schemas['__shared']?.['$defs'] ?? {}).join(', ')}`,
    );
  }
  const schemas = Object.fromEntries(
    Object.entries(rendered.schemas).map(([name, { $schema: _s, $id: _i, ...rest }]) => [name, rest]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'fieldsync API',
      version: '1.0.0',
      description:
        'One REST API over every connected field-service vendor: the canonical store read by collection, API keys per tenant. Errors are RFC 9457 problem details naming the field.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'api-keys' },
      { name: 'commands' },
      { name: 'connections' },
      { name: 'sessions' },
      { name: 'drift-reports' },
      { name: 'webhook-endpoints' },
      ...RESOURCES.map((r) => ({ name: r.name, description: r.summary })),
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (fsk_…); the token of POST /sessions (one connection, read and write); or the operator token for /api-keys',
        },
      },
      schemas,
    },
  };
}
