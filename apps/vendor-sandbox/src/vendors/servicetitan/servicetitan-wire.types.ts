/**
 * A row as ServiceTitan's v2 API sends it (field names, enums and nullability of the published OpenAPI
 * files), as plain JSON.
 */
export type WireRow = Record<string, unknown>;
