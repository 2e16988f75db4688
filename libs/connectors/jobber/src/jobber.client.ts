import { sessionFetch, VendorCallError, type SyncContext } from '@fieldsync/connector-kit';
import { costGovernorOf } from './jobber-cost.governor';
import {
  jobberGraphqlAnswerSchema,
  jobberMutationPayloadSchema,
  type JobberCost,
  type JobberGraphqlAnswer,
} from './jobber.schemas';
import { userErrorsToWriteError, type FieldOf } from './writes/write-errors.util';

export const JOBBER_GRAPHQL_PATH = '/api/graphql';

/** Wait when a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 5_000;

/** The `data` of a successful answer and what it cost. */
export interface JobberGraphqlResult {
  readonly data: Readonly<Record<string, unknown>>;
  readonly cost: JobberCost | undefined;
}

/** A GraphQL error that is not about the session, the budget or the vendor's health: a wrong query. */
export class JobberGraphqlError extends Error {
  constructor(
    readonly operation: string,
    readonly codes: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'JobberGraphqlError';
  }
}

/** `Retry-After` in ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when unusable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** How long until the bucket holds `requested` points again (at least a second). */
export function throttleWaitMs(cost: JobberCost | undefined): number {
  if (!cost) return DEFAULT_RETRY_AFTER_MS;
  const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
  return Math.max(1_000, Math.ceil((missing / cost.throttleStatus.restoreRate) * 1000));
}

/**
 * `POST /api/graphql` with the connection's session (cookies, `x-csrf-token`,
 * `x-jobber-graphql-version`). Vendor failures the extractor handles become VendorCallErrors: 401/403 or
 * a redirect (to the login page) → unauthorized; 429 → rate_limited after Retry-After; a THROTTLED
 * answer → rate_limited until the cost bucket has restored the query's cost; 5xx and network errors →
 * unavailable. Any other GraphQL error is a JobberGraphqlError (the query itself is wrong). Each request
 * first waits for the connection's query-cost budget (JobberCostGovernor: what the last answer said the
 * bucket holds, restored since), then for the caller's pacing.
 */
export async function jobberGraphql(
  ctx: SyncContext,
  operation: string,
  query: string,
  variables: Readonly<Record<string, unknown>>,
): Promise<JobberGraphqlResult> {
  const permit = await costGovernorOf(ctx.connectionId).acquire(operation, ctx.signal);
  let cost: JobberCost | undefined;
  try {
    await ctx.pace?.();
    const answer = await callGraphql(ctx, operation, query, variables);
    cost = answer.extensions?.cost;
    return resultOf(operation, answer);
  } finally {
    permit.settle(cost);
  }
}

/** One POST; vendor failures as VendorCallErrors, the parsed answer otherwise. */
async function callGraphql(
  ctx: SyncContext,
  operation: string,
  query: string,
  variables: Readonly<Record<string, unknown>>,
): Promise<JobberGraphqlAnswer> {
  let response: Response;
  try {
    response = await sessionFetch(ctx.session, JOBBER_GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables, operationName: operation }),
      signal: ctx.signal,
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    throw new VendorCallError(
      { kind: 'unavailable', message: error instanceof Error ? error.message : String(error) },
      `Jobber ${operation}: the request failed`,
      { cause: error },
    );
  }
  const { status } = response;
  if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
    await response.body?.cancel();
    throw new VendorCallError(
      { kind: 'unauthorized', status },
      `Jobber ${operation}: HTTP ${status}, the session is gone`,
    );
  }
  if (status === 429) {
    const wait = retryAfterMs(response.headers.get('retry-after'), ctx.now()) ?? DEFAULT_RETRY_AFTER_MS;
    await response.body?.cancel();
    throw new VendorCallError({ kind: 'rate_limited', retryAfterMs: wait }, `Jobber ${operation}: HTTP 429`);
  }
  if (status >= 500) {
    await response.body?.cancel();
    throw new VendorCallError(
      { kind: 'unavailable', status, message: `HTTP ${status}` },
      `Jobber ${operation}: HTTP ${status}`,
    );
  }
  if (status !== 200) {
    await response.body?.cancel();
    throw new JobberGraphqlError(operation, [], `Jobber ${operation}: unexpected HTTP ${status}`);
  }
  if ((response.headers.get('content-type') ?? '').includes('text/html')) {
    await response.body?.cancel();
    throw new VendorCallError(
      { kind: 'unauthorized', status },
      `Jobber ${operation}: an HTML page instead of data, the session is gone`,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new VendorCallError(
      { kind: 'unavailable', status, message: 'the answer is not JSON' },
      `Jobber ${operation}: the answer is not JSON`,
      { cause: error },
    );
  }
  const parsed = jobberGraphqlAnswerSchema.safeParse(body);
  if (!parsed.success) {
    throw new JobberGraphqlError(
      operation,
      [],
      `Jobber ${operation}: the answer has no readable data/errors/extensions (${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')})`,
    );
  }
  return parsed.data;
}

/** The answer's data, or the error its `errors` mean. */
function resultOf(operation: string, answer: JobberGraphqlAnswer): JobberGraphqlResult {
  const cost = answer.extensions?.cost;
  const errors = answer.errors ?? [];
  if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
    throw new VendorCallError(
      { kind: 'rate_limited', retryAfterMs: throttleWaitMs(cost) },
      `Jobber ${operation}: THROTTLED by the query-cost budget`,
    );
  }
  if (errors.length > 0 || !answer.data) {
    throw new JobberGraphqlError(
      operation,
      errors.map((e) => e.extensions?.code ?? 'UNKNOWN'),
      `Jobber ${operation}: ${errors.map((e) => e.message).join('; ') || 'no data'}`,
    );
  }
  return { data: answer.data, cost };
}

/** How a mutation's `userErrors` name the command's fields (see writes/write-errors.util). */
export interface JobberMutationFields {
  readonly fieldOf: FieldOf;
  /** The command field of a double booking reported on the whole input. */
  readonly conflictField?: string;
}

/**
 * A mutation through `jobberGraphql` (the same session, the same VendorCallErrors: THROTTLED →
 * rate_limited with the cost-budget wait, 401 → unauthorized, 5xx → unavailable), returning the payload
 * `data[payloadField]`. Jobber refuses a write with HTTP 200 and `userErrors`: that is a VendorWriteError
 * naming the command's field (double booking → schedule_conflict, an unknown id → not_found, anything
 * else → vendor_rejected). The messages are the vendor's own text, never the session's.
 */
export async function jobberMutate(
  ctx: SyncContext,
  operation: string,
  mutation: string,
  variables: Readonly<Record<string, unknown>>,
  payloadField: string,
  fields: JobberMutationFields,
): Promise<Readonly<Record<string, unknown>>> {
  const { data } = await jobberGraphql(ctx, operation, mutation, variables);
  const parsed = jobberMutationPayloadSchema.safeParse(data[payloadField]);
  if (!parsed.success) {
    throw new JobberGraphqlError(
      operation,
      [],
      `Jobber ${operation}: ${payloadField} has no readable userErrors (${parsed.error.issues
        .map((i) => `${[payloadField, ...i.path].join('.')}: ${i.message}`)
        .join('; ')})`,
    );
  }
  if (parsed.data.userErrors.length > 0) {
    throw userErrorsToWriteError(operation, parsed.data.userErrors, fields.fieldOf, {
      ...(fields.conflictField === undefined ? {} : { conflictField: fields.conflictField }),
    });
  }
  return parsed.data;
}
