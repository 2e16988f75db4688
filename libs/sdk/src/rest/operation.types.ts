import type { components, operations } from '../generated/openapi.types';
import type { COLLECTIONS } from '../generated/operations';

/** Every operation of the API, by its OpenAPI operationId (`listJobs`, `createJob`, `getCommand` …). */
export type OperationId = keyof operations;
export type Schemas = components['schemas'];

type Parameters<O extends OperationId> = operations[O]['parameters'];
type Defined<T> = [Exclude<T, undefined>] extends [never] ? never : Exclude<T, undefined>;

/** The query parameters an operation takes (never when it takes none). */
export type QueryOf<O extends OperationId> = Defined<Parameters<O>['query']>;
/** The path parameters an operation takes (never when it takes none). */
export type PathOf<O extends OperationId> = Defined<Parameters<O>['path']>;
/** The JSON request body of an operation (never when it takes none). */
export type BodyOf<O extends OperationId> = operations[O] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;

type Responses<O extends OperationId> = operations[O]['responses'];
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
/** The success statuses of an operation (200, 201, and 202 for writes still running). */
export type SuccessStatus<O extends OperationId> = Extract<keyof Responses<O>, 200 | 201 | 202>;
/** The JSON body of a success status of an operation. */
export type SuccessBody<O extends OperationId, S extends SuccessStatus<O> = SuccessStatus<O>> = JsonOf<
  Responses<O>[S]
>;
/** The answer of a finished write (its 200 or 201), without the 202 of a command still running. */
export type ResourceBody<O extends OperationId> = SuccessBody<O, Exclude<SuccessStatus<O>, 202>>;

/** The arguments of `call(operationId, args)`: path and query parameters, body, idempotency key. */
export type CallArgs<O extends OperationId> = ([PathOf<O>] extends [never]
  ? { path?: undefined }
  : { path: PathOf<O> }) &
  ([QueryOf<O>] extends [never] ? { query?: undefined } : { query?: QueryOf<O> }) &
  ([BodyOf<O>] extends [never] ? { body?: undefined } : { body: BodyOf<O> }) & {
    /** For writes: the `Idempotency-Key` (a random UUID when absent; pass your own to retry safely later). */
    idempotencyKey?: string;
    signal?: AbortSignal;
  };

/** A success answer: status, typed body, and what the headers said. */
export interface ApiResponse<O extends OperationId> {
  readonly status: SuccessStatus<O>;
  readonly data: SuccessBody<O>;
  readonly headers: Headers;
  readonly requestId: string | undefined;
  /** `Idempotent-Replayed: true`: the stored answer of an earlier request with the same key and body. */
  readonly replayed: boolean;
  /** The `Idempotency-Key` sent (writes only). */
  readonly idempotencyKey: string | undefined;
}

/** A collection of the API (`jobs`, `clients`, `pricebook-items` …). */
export type Collection = keyof typeof COLLECTIONS;
type ListOp<C extends Collection> = (typeof COLLECTIONS)[C]['list'];
/** The filters of a collection's list (status, technicianId, scheduledFrom, updatedFrom, tag, city …). */
export type ListQuery<C extends Collection> = QueryOf<ListOp<C>>;
/** A page of a collection: `{ items, page, pageSize, total, nextCursor }`. */
export type Page<C extends Collection> = SuccessBody<ListOp<C>>;
/** An item of a collection, in the product pages' shape. */
export type Item<C extends Collection> = Page<C> extends { items: (infer I)[] } ? I : never;

/** The operations that become commands (they take an `Idempotency-Key`). */
export type WriteOperationId = {
  [O in OperationId]: Parameters<O> extends { header: { 'Idempotency-Key': string } } ? O : never;
}[OperationId];

export type CommandStatus = Schemas['CommandStatus'];
export type EventFeed = Schemas['EventFeed'];
