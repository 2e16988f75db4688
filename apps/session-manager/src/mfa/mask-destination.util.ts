import type { MfaChannel } from './mfa.types';

const HIDDEN = '•••';

/**
 * A destination as events and log lines show it: enough to recognise, not to reuse.
 * `+15555550101` → `•••-•••-0101`; `olivia@greenleaf-hvac.example` → `o•••@greenleaf-hvac.example`.
 * Anything that is neither becomes `•••`.
 */
export function maskDestination(channel: MfaChannel, destination: string): string {
  if (channel === 'sms') {
    const digits = destination.replace(/\D/g, '');
    return digits.length >= 7 ? `${HIDDEN}-${HIDDEN}-${digits.slice(-4)}` : HIDDEN;
  }
  const at = destination.lastIndexOf('@');
  const local = destination.slice(0, at).trim();
  const domain = destination.slice(at + 1).trim();
  if (at < 1 || local.length === 0 || domain.length === 0) return HIDDEN;
  return `${local.charAt(0).toLowerCase()}${HIDDEN}@${domain.toLowerCase()}`;
}
