/**
 * `X-JOBBER-GRAPHQL-VERSION` (api_versioning): required. A version removed from support is upgraded to
 * the oldest supported one; one out of support but not yet removed answers with a warning; anything
 * else that is not a released version is an error. The version used is echoed in
 * `extensions.versioning.version` and the response header.
 */
export const JOBBER_API_VERSIONS = {
  supported: ['2025-01-20', '2025-04-16'],
  /** Out of support, still served with a warning. */
  unsupported: ['2024-06-10'],
} as const;
export const LATEST_VERSION = '2025-04-16';

export type VersionResolution =
  { ok: true; version: string; warning?: string } | { ok: false; message: string; code: string };

export function resolveVersion(header: string | undefined): VersionResolution {
  const { supported, unsupported } = JOBBER_API_VERSIONS;
  if (header === undefined || header.trim() === '') {
    return {
      ok: false,
      code: 'MISSING_API_VERSION',
      message: 'The X-JOBBER-GRAPHQL-VERSION header is required. Latest version: ' + LATEST_VERSION,
    };
  }
  const value = header.trim();
  if ((supported as readonly string[]).includes(value)) return { ok: true, version: value };
  if ((unsupported as readonly string[]).includes(value)) {
    return {
      ok: true,
      version: value,
      warning: `API Version ${value} is no longer supported, and will be removed at any time without warning. Upgrade to the latest API version ${LATEST_VERSION} to ensure your app continues to function.`,
    };
  }
  const oldest = unsupported[0] ?? supported[0];
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) && value < oldest) {
    return { ok: true, version: supported[0] };
  }
  return { ok: false, code: 'INVALID_API_VERSION', message: `Unknown API version ${value}` };
}
