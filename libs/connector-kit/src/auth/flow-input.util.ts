import type { Vendor } from '@fieldsync/canonical-model';
import { AuthFlowError, type ConnectionCredentials, type SessionPolicy } from './auth-flow.types';

/**
 * The portal origin of a connection, checked before any page opens: a connection of another vendor
 * or without an http(s) portal URL is a configuration error (non-retriable: the connection needs
 * attention), named by its field.
 */
export function portalOriginOf(credentials: ConnectionCredentials, vendor: Vendor): string {
  if (credentials.vendor !== vendor) {
    throw new AuthFlowError(
      'invalid_credentials',
      `credentials.vendor: the ${vendor} flow got a ${credentials.vendor} connection`,
    );
  }
  let url: URL;
  try {
    url = new URL(credentials.portalUrl);
  } catch {
    throw new AuthFlowError('invalid_credentials', 'credentials.portalUrl: not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthFlowError('invalid_credentials', 'credentials.portalUrl: must be an http(s) URL');
  }
  if (credentials.username.trim() === '') {
    throw new AuthFlowError('invalid_credentials', 'credentials.username: must not be empty');
  }
  return url.origin;
}

/** A session policy with positive durations and an absolute lifetime no shorter than the idle one. */
export function checkedSessionPolicy(policy: SessionPolicy, field = 'sessionPolicy'): SessionPolicy {
  for (const key of ['idleMs', 'absoluteMs'] as const) {
    const value = policy[key];
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(
        `${field}.${key}: must be a positive integer of milliseconds, got ${String(value)}`,
      );
    }
  }
  if (policy.absoluteMs < policy.idleMs) {
    throw new RangeError(`${field}.absoluteMs: must not be shorter than ${field}.idleMs`);
  }
  return { idleMs: policy.idleMs, absoluteMs: policy.absoluteMs };
}
