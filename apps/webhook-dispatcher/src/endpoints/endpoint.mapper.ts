import type { EndpointRow } from './endpoint.repository';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** An endpoint as the API shows it (never its secret). */
export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    vendors: row.vendors,
    connectionIds: row.connection_ids,
    rateLimitPerSecond: row.rate_limit_per_second,
    ordered: row.ordered,
    disabled: row.disabled,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    failingSince: iso(row.failing_since),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
