import type { EntityOf, EntityType } from '@fieldsync/canonical-model';
import type { z } from 'zod';
import type { RelatedDocuments } from './related-documents';

/** The product pages' list filters a collection may offer (README "REST API"). */
export type FilterName =
  | 'status'
  | 'technicianId'
  | 'assignedUserId'
  | 'fromDate'
  | 'toDate'
  | 'scheduledFrom'
  | 'scheduledTo'
  | 'updatedFrom'
  | 'updatedTo'
  | 'tag'
  | 'city'
  | 'region';

/** Store columns a date filter (`fromDate`/`toDate`) may range over. */
export type DateColumn = 'scheduled_start' | 'issued_on' | 'paid_at' | 'vendor_created_at';

/**
 * One REST collection: the canonical entity it is projected from, its filters, its item schema (the
 * product pages' field names; also the OpenAPI schema) and the one mapping from canonical documents to
 * items. Nothing here names a vendor: every vendor's records of the entity appear in it.
 */
export interface ResourceDefinition<
  E extends EntityType = EntityType,
  S extends z.ZodType = z.ZodType,
  K extends keyof EntityOf<E> & string = keyof EntityOf<E> & string,
> {
  /** The path segment: `GET /<name>`, `GET /<name>/{id}`. */
  readonly name: string;
  readonly entity: E;
  /** The id field of an item and the path parameter's name (`jobId`). */
  readonly idField: string;
  readonly summary: string;
  readonly item: S;
  readonly filters: readonly FilterName[];
  /** The canonical statuses `status` accepts. */
  readonly statuses?: readonly string[];
  /** What `fromDate`/`toDate` range over. */
  readonly dateColumn?: DateColumn;
  /**
   * The document fields the mapping reads, when a document holds large ones it does not (a job's line items):
   * the store sends only these (and `id`, `connectionId`). Absent: the whole document.
   */
  readonly documentFields?: readonly K[];
  /** The one mapping: canonical documents (one page) to items, with related documents looked up in batch. */
  project(documents: readonly Pick<EntityOf<E>, K>[], related: RelatedDocuments): Promise<z.input<S>[]>;
}

/** A collection with its entity type erased, for the registry and the controller. */
export type AnyResource = Omit<ResourceDefinition<EntityType, z.ZodType>, 'documentFields'> & {
  readonly documentFields?: readonly string[];
};

/**
 * Declares a collection with its mapping checked against its entity and item schema (and, with
 * `documentFields`, against reading no other field of the document).
 */
export function defineResource<
  E extends EntityType,
  S extends z.ZodType,
  const K extends keyof EntityOf<E> & string = keyof EntityOf<E> & string,
>(definition: ResourceDefinition<E, S, K>): AnyResource {
  return definition as unknown as AnyResource;
}
