import { randomToken } from '../../portal/random-token.util';

/**
 * The sandbox's Workiz account: the Developer API add-on's token (in every API path) and secret
 * (in every write body), shown to a signed-in user in Settings → Integrations as Workiz's web app
 * does, and fresh per process (never guessable, never logged).
 */
export interface WorkizAccount {
  readonly id: string;
  readonly name: string;
  readonly apiToken: string;
  readonly apiSecret: string;
  /** Requests per rolling 10 s the API answers before 429 (0 = no limit: SANDBOX_API_LIMITS=off). */
  readonly requestsPer10s: number;
}

/** Workiz publishes no limit; ours: 200 requests per rolling 10 s per account, 429 + Retry-After beyond. */
export const WORKIZ_DEFAULT_REQUESTS_PER_10S = 200;

export function createWorkizAccount(requestsPer10s = WORKIZ_DEFAULT_REQUESTS_PER_10S): WorkizAccount {
  return {
    id: 'acct_austin_comfort_pros',
    name: 'Austin Comfort Pros',
    apiToken: `api_${randomToken()
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 24)}`,
    apiSecret: `sec_${randomToken()
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 24)}`,
    requestsPer10s,
  };
}
