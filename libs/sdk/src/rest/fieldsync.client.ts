import { randomUUID } from 'node:crypto';
import { COLLECTIONS, OPERATIONS } from '../generated/operations';
import { FieldsyncNetworkError, apiErrorFrom } from './fieldsync-api.error';
import type {
  ApiResponse,
  CallArgs,
  Collection,
  CommandStatus,
  EventFeed,
  Item,
  ListQuery,
  OperationId,
  Page,
  ResourceBody,
  Schemas,
  SuccessBody,
  WriteOperationId,
} from './operation.types';
import {
  DEFAULT_RETRY,
  isRetriableStatus,
  parseRetryAfter,
  retryDelayMs,
  type RetryOptions,
} from './retry-policy.util';

export interface FieldsyncClientOptions {
  /** The api's address, e.g. `https://api.fieldsync.example` or `http://localhost:3000`. */
  readonly baseUrl: string;
  /** An API key of the tenant (`fsk_…`), sent as `Authorization: Bearer`. */
  readonly apiKey: string;
  /** Retries of idempotent requests (GET, DELETE, and writes, which carry an Idempotency-Key). */
  readonly retry?: RetryOptions;
  /** One attempt's bound (default 30 s; a write waits for its command up to the api's API_COMMAND_WAIT). */
  readonly requestTimeoutMs?: number;
  /** A fetch of your own (a proxy agent, instrumentation); default the global fetch. */
  readonly fetch?: typeof fetch;
}

/** What a write answered: the resource (200/201), or the command behind its 202, polled to an end or a bound. */
export type WriteOutcome<O extends WriteOperationId> =
  | {
      readonly kind: 'resource';
      readonly status: 200 | 201;
      readonly data: ResourceBody<O>;
      readonly replayed: boolean;
      readonly idempotencyKey: string;
      readonly requestId: string | undefined;
    }
  | {
      readonly kind: 'command';
      /** Its last known state: `succeeded`, `failed`, `rejected`, or still `pending` … when the bound passed. */
      readonly command: CommandStatus;
      readonly idempotencyKey: string;
      readonly requestId: string | undefined;
    };

export interface AwaitCommandOptions {
  /** Give up polling after this long and return the command as it stands (default 30 s). */
  readonly timeoutMs?: number;
  /** First interval between polls (default 250 ms), doubling up to 2 s. */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

const FINAL_COMMAND_STATES: ReadonlySet<CommandStatus['status']> = new Set([
  'succeeded',
  'failed',
  'rejected',
]);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const ID_PATTERN = /^[^/?#]+$/;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The fieldsync REST API, typed from its OpenAPI document (libs/sdk/src/generated, `npm run sdk:types`).
 * `call(operationId, …)` reaches every operation; `list`, `iterate`, `write`, `awaitCommand`, `events` …
 * are the common paths. A non-2xx answer throws a `FieldsyncApiError` carrying the problem details.
 */
export class FieldsyncClient {
  private readonly baseUrl: string;
  private readonly retry: Required<RetryOptions>;
  private readonly fetchImpl: typeof fetch;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: FieldsyncClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl ${JSON.stringify(options.baseUrl)} must be an absolute http(s) URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`baseUrl ${JSON.stringify(options.baseUrl)} must be an absolute http(s) URL`);
    }
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new TypeError('apiKey is required (an API key of the tenant, fsk_…)');
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new TypeError(`retry.maxAttempts must be a whole number ≥ 1, got ${this.retry.maxAttempts}`);
    }
    this.fetchImpl = options.fetch ?? fetch;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Any operation of the API by its operationId, typed from the OpenAPI document. */
  async call<O extends OperationId>(operationId: O, args: CallArgs<O>): Promise<ApiResponse<O>> {
    const operation = OPERATIONS[operationId] as { method: string; path: string; idempotencyKey: boolean };
    if (operation === undefined) throw new TypeError(`unknown operation ${JSON.stringify(operationId)}`);
    const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = (args.path as Record<string, unknown> | undefined)?.[name];
      if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
        throw new TypeError(
          `${operationId}: path parameter ${name} must be a non-empty id, got ${JSON.stringify(value)}`,
        );
      }
      return encodeURIComponent(value);
    });
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries((args.query ?? {}) as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TypeError(`${operationId}: query parameter ${name} must be a string, number or boolean`);
      }
      url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json, application/problem+json',
    };
    let idempotencyKey: string | undefined;
    if (operation.idempotencyKey) {
      idempotencyKey = args.idempotencyKey ?? randomUUID();
      if (
        idempotencyKey.length === 0 ||
        idempotencyKey.length > 255 ||
        !/^[\x21-\x7e]+$/.test(idempotencyKey)
      ) {
        throw new TypeError(`${operationId}: idempotencyKey must be 1–255 printable ASCII characters`);
      }
      headers['idempotency-key'] = idempotencyKey;
    }
    let body: string | undefined;
    if (args.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(args.body);
    }
    const label = `${operation.method} ${path}`;
    // A write carries its Idempotency-Key: the api answers a repeat with the stored result (or 409 while the
    // first is in flight), so it is as safe to retry as a GET. Any other POST is sent once.
    const retriable = IDEMPOTENT_METHODS.has(operation.method) || idempotencyKey !== undefined;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: operation.method,
          headers,
          body,
          signal: args.signal
            ? AbortSignal.any([args.signal, AbortSignal.timeout(this.requestTimeoutMs)])
            : AbortSignal.timeout(this.requestTimeoutMs),
        });
      } catch (error) {
        if (args.signal?.aborted) throw error;
        const wait = retriable ? retryDelayMs(attempt, undefined, this.retry) : undefined;
        if (wait === undefined) throw new FieldsyncNetworkError(label, attempt, error);
        await sleep(wait, args.signal);
        continue;
      }
      const text = await response.text();
      if (response.ok) {
        let data: unknown;
        try {
          data = text === '' ? undefined : JSON.parse(text);
        } catch {
          throw new TypeError(`${label} answered ${response.status} with a body that is not JSON`);
        }
        return {
          status: response.status as ApiResponse<O>['status'],
          data: data as SuccessBody<O>,
          headers: response.headers,
          requestId: response.headers.get('x-request-id') ?? undefined,
          replayed: response.headers.get('idempotent-replayed') === 'true',
          idempotencyKey,
        };
      }
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      const wait =
        retriable && isRetriableStatus(response.status)
          ? retryDelayMs(attempt, retryAfterSeconds, this.retry)
          : undefined;
      if (wait === undefined) {
        throw apiErrorFrom({
          operation: label,
          status: response.status,
          headers: response.headers,
          bodyText: text,
          retryAfterSeconds,
        });
      }
      await sleep(wait, args.signal);
    }
  }

  /** One page of a collection, filtered (`status`, `technicianId`, `scheduledFrom`, `tag`, `city` …). */
  async list<C extends Collection>(
    collection: C,
    query?: ListQuery<C>,
    signal?: AbortSignal,
  ): Promise<Page<C>> {
    const operationId = this.collection(collection).list;
    const args = { query, signal } as CallArgs<typeof operationId>;
    return (await this.call(operationId, args)).data as Page<C>;
  }

  /** One item of a collection by its id. */
  async get<C extends Collection>(collection: C, id: string, signal?: AbortSignal): Promise<Item<C>> {
    const { get, idParam } = this.collection(collection);
    const args = { path: { [idParam]: id }, signal } as unknown as CallArgs<typeof get>;
    return (await this.call(get, args)).data as Item<C>;
  }

  /**
   * Every page of a collection matching the filters, by keyset cursor (ascending updatedAt, id): safe over
   * millions of rows and while the store changes. `page` and `cursor` are the iterator's own.
   */
  async *pages<C extends Collection>(
    collection: C,
    query?: Omit<NonNullable<ListQuery<C>>, 'page' | 'cursor'>,
    signal?: AbortSignal,
  ): AsyncGenerator<Page<C>, void, undefined> {
    if (query && ('page' in query || 'cursor' in query)) {
      throw new TypeError('pages()/iterate() follow the cursor themselves: pass neither page nor cursor');
    }
    let cursor: string | undefined;
    do {
      const page: Page<C> = await this.list(collection, { ...query, cursor } as ListQuery<C>, signal);
      yield page;
      cursor = (page as { nextCursor: string | null }).nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Every item of a collection matching the filters, page after page by cursor. */
  async *iterate<C extends Collection>(
    collection: C,
    query?: Omit<NonNullable<ListQuery<C>>, 'page' | 'cursor'>,
    signal?: AbortSignal,
  ): AsyncGenerator<Item<C>, void, undefined> {
    for await (const page of this.pages(collection, query, signal)) {
      yield* (page as { items: Item<C>[] }).items;
    }
  }

  /**
   * A write (it becomes a command): sends it with its Idempotency-Key (generated when absent; keep it to
   * retry later), and when the api answers 202 polls `GET /commands/{id}` up to `awaitCommand`'s bound.
   */
  async write<O extends WriteOperationId>(
    operationId: O,
    args: CallArgs<O>,
    wait: AwaitCommandOptions = {},
  ): Promise<WriteOutcome<O>> {
    const response = await this.call(operationId, args);
    const idempotencyKey = response.idempotencyKey ?? '';
    if (response.status !== 202) {
      return {
        kind: 'resource',
        status: response.status,
        data: response.data as ResourceBody<O>,
        replayed: response.replayed,
        idempotencyKey,
        requestId: response.requestId,
      };
    }
    const accepted = response.data as Schemas['CommandAccepted'];
    const command = await this.awaitCommand(accepted.commandId, {
      ...wait,
      signal: wait.signal ?? args.signal,
    });
    return { kind: 'command', command, idempotencyKey, requestId: response.requestId };
  }

  /** A command (sent through the API or over NATS): status, result or error. */
  async command(commandId: string, signal?: AbortSignal): Promise<CommandStatus> {
    return (await this.call('getCommand', { path: { commandId }, signal })).data;
  }

  /**
   * Polls a command until it ends (`succeeded`, `failed`, `rejected`) or `timeoutMs` passes; returns it as
   * it stands then (check `status`: still `pending`/`in_progress` means the bound passed first).
   */
  async awaitCommand(commandId: string, options: AwaitCommandOptions = {}): Promise<CommandStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let interval = options.intervalMs ?? 250;
    for (;;) {
      const command = await this.command(commandId, options.signal);
      const left = deadline - Date.now();
      if (FINAL_COMMAND_STATES.has(command.status) || left <= 0) return command;
      await sleep(Math.min(interval, left), options.signal);
      interval = Math.min(interval * 2, 2_000);
    }
  }

  /** One page of the change-event feed after a position (`0`: from the start). */
  async events(
    query: { after?: number; types?: readonly string[]; connectionId?: string; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<EventFeed> {
    const response = await this.call('listEvents', {
      query: {
        after: query.after === undefined ? undefined : String(query.after),
        types: query.types === undefined ? undefined : query.types.join(','),
        connectionId: query.connectionId,
        limit: query.limit === undefined ? undefined : String(query.limit),
      },
      signal,
    });
    return response.data;
  }

  /**
   * The events after a position, oldest first, until the feed is caught up; each with the position to keep
   * and resume from (`after`) next time.
   */
  async *iterateEvents(
    query: { after?: number; types?: readonly string[]; connectionId?: string; limit?: number } = {},
    signal?: AbortSignal,
  ): AsyncGenerator<{ event: EventFeed['items'][number]; position: number }, void, undefined> {
    let after = query.after ?? 0;
    for (;;) {
      const feed = await this.events({ ...query, after }, signal);
      for (const [index, event] of feed.items.entries()) {
        const position = feed.positions[index];
        if (position === undefined) throw new TypeError('the event feed sent fewer positions than items');
        yield { event, position };
      }
      if (feed.items.length === 0 || feed.nextAfter <= after) return;
      after = feed.nextAfter;
    }
  }

  /** The tenant's connections with each stream's sync state. */
  async connections(signal?: AbortSignal): Promise<Schemas['ConnectionList']> {
    return (await this.call('listConnections', { signal })).data;
  }

  async connection(connectionId: string, signal?: AbortSignal): Promise<Schemas['Connection']> {
    return (await this.call('getConnection', { path: { connectionId }, signal })).data;
  }

  /** Drift reports, latest first (`resolved`: `'true'` or `'false'`). */
  async driftReports(
    query: CallArgs<'listDriftReports'>['query'] = {},
    signal?: AbortSignal,
  ): Promise<Schemas['DriftReportPage']> {
    return (await this.call('listDriftReports', { query, signal })).data;
  }

  async resolveDriftReport(driftReportId: string, signal?: AbortSignal): Promise<Schemas['DriftReport']> {
    return (await this.call('resolveDriftReport', { path: { driftReportId }, signal })).data;
  }

  private collection<C extends Collection>(collection: C): (typeof COLLECTIONS)[C] {
    const entry = (COLLECTIONS as unknown as Record<string, (typeof COLLECTIONS)[C] | undefined>)[collection];
    if (entry === undefined) {
      throw new TypeError(
        `unknown collection ${JSON.stringify(collection)}; one of ${Object.keys(COLLECTIONS).join(', ')}`,
      );
    }
    return entry;
  }
}
