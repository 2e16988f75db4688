import type { AddressPolicy } from './address.policy';
import { EgressError } from './egress.error';
import { resolveAllowed, type Resolver } from './guarded-connector';

export const MAX_URL_LENGTH = 2_048;
const RESOLVE_TIMEOUT_MS = 2_000;

export interface UrlRules {
  allowHttp: boolean;
  policy: AddressPolicy;
  resolver: Resolver;
}

/**
 * Why `raw` cannot be an endpoint URL, or undefined. Checked when an endpoint is saved, for an early,
 * clear error; the address is checked again on every connection (DNS can change after saving).
 * A name that does not resolve now is accepted: its deliveries fail and retry until it does.
 */
export async function endpointUrlProblem(raw: string, rules: UrlRules): Promise<string | undefined> {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL (https://example.com/webhooks)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  if (url.protocol === 'http:' && !rules.allowHttp) {
    return 'must use https (plain http is allowed only when WEBHOOK_ALLOW_HTTP=true, e.g. in development)';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials (user:password@)';
  if (url.hostname === '') return 'must name a host';
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      resolveAllowed(url.hostname, rules.policy, rules.resolver),
      new Promise((resolve) => {
        timer = setTimeout(resolve, RESOLVE_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    if (error instanceof EgressError) return `is not allowed: ${error.message.replace(/^refused: /, '')}`;
  } finally {
    clearTimeout(timer);
  }
  return undefined;
}
