/**
 * Best-effort E.164 normalisation for North American and already-international numbers:
 * `+1-404-555-0198` → `+14045550198`, `(619) 555-1234` → `+16195551234`, `16195551234` → `+16195551234`.
 * Returns null when the number cannot be normalised unambiguously (no guessing of foreign numbers).
 * `defaultCountryCallingCode` applies to 10-digit national numbers (default `1`, NANP).
 */
export function normalizePhoneNumber(raw: string, defaultCountryCallingCode = '1'): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const withoutExtension = trimmed.replace(/\s*(?:x|ext\.?|extension)\s*\d+$/i, '');
  const digits = withoutExtension.replace(/[\s().\-/]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(digits)) return digits;
  if (/^00[1-9]\d{6,14}$/.test(digits)) return `+${digits.slice(2)}`;
  if (!/^\d+$/.test(digits)) return null;
  if (defaultCountryCallingCode === '1') {
    if (/^[2-9]\d{9}$/.test(digits)) return `+1${digits}`;
    if (/^1[2-9]\d{9}$/.test(digits)) return `+${digits}`;
    return null;
  }
  return null;
}
