/**
 * The one ServiceTitan tenant the sandbox serves: every API path carries it
 * (`/{module}/v2/tenant/1000042/…`); another tenant id is a 404 problem.
 */
export const SERVICETITAN_TENANT_ID = 1_000_042;

/** Paging as the published v2 specs say: `page` is 1-based, `pageSize` 50 by default, at most 5000. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 5_000;
/** `ids` takes at most 50 comma-separated ids. */
export const MAX_IDS = 50;

/** Rows per `/export/*` response (the vendor does not publish its batch size; this is ours). */
export const DEFAULT_EXPORT_BATCH_SIZE = 500;

/** 60 requests per second per tenant (vendors.md §1, [faq]). */
export const DEFAULT_REQUESTS_PER_SECOND = 60;

export interface ServiceTitanApiOptions {
  /** Requests per second per tenant; 0 turns the limiter off (bench, bulk tests). */
  readonly requestsPerSecond?: number;
  readonly exportBatchSize?: number;
}
