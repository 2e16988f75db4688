import { MfaRelayError, MfaRelayErrorCode } from './mfa.error';
import type { MfaChannel } from './mfa.types';

const E164_RE = /^\+[1-9]\d{6,14}$/;
const EMAIL_RE = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/;

/**
 * A phone number as E.164 (`+15555550101`) from the ways people and providers write one:
 * `+1 (555) 555-0101`, `tel:+15555550101`, `0015555550101`. A number without a country code is taken
 * as North American (`555-555-0101` → `+15555550101`): the vendors fieldsync logs into are.
 */
function normalisePhone(value: string): string | undefined {
  const compact = value
    .trim()
    .replace(/^tel:/i, '')
    .replace(/[\s().-]/g, '');
  let e164: string;
  if (compact.startsWith('+')) e164 = compact;
  else if (compact.startsWith('00')) e164 = `+${compact.slice(2)}`;
  else if (/^\d{10}$/.test(compact)) e164 = `+1${compact}`;
  else if (/^1\d{10}$/.test(compact)) e164 = `+${compact}`;
  else return undefined;
  return E164_RE.test(e164) ? e164 : undefined;
}

/** An address, lower-cased, from `Olivia@Example.com` or a header's `Olivia Lee <olivia@example.com>`. */
function normaliseEmail(value: string): string | undefined {
  const angled = /<([^<>]+)>\s*$/.exec(value)?.[1];
  const address = (angled ?? value)
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  return EMAIL_RE.test(address) ? address : undefined;
}

/**
 * The form destinations are stored and matched in: E.164 with a leading `+` for SMS, lower-cased for
 * e-mail, so a provider's `To` and a connection's configured destination compare equal.
 *
 * @throws MfaRelayError naming `field` (never echoing the value: it is personal data).
 */
export function normaliseDestination(channel: MfaChannel, value: string, field = 'to'): string {
  const normalised = channel === 'sms' ? normalisePhone(value) : normaliseEmail(value);
  if (normalised === undefined) {
    throw new MfaRelayError(
      MfaRelayErrorCode.InvalidDestination,
      field,
      channel === 'sms'
        ? `${field}: must be a phone number in E.164 form such as +15555550101`
        : `${field}: must be an email address`,
    );
  }
  return normalised;
}
