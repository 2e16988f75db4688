import type { ApiKeyScope } from './api-key.util';

/** Who is calling: the operator (FIELDSYNC_ADMIN_TOKEN) or one tenant's API key. */
export type Principal =
  | { readonly kind: 'operator' }
  | {
      readonly kind: 'api_key';
      readonly keyId: string;
      readonly prefix: string;
      readonly tenantId: string;
      readonly scopes: readonly ApiKeyScope[];
    };

/** The actor string of the audit log: `operator` or `key:<id>`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'operator' ? 'operator' : `key:${principal.keyId}`;
}
