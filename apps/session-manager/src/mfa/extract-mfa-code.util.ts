import { MfaRelayError, MfaRelayErrorCode } from './mfa.error';

/*
 * A candidate is a standalone run of 4 to 8 digits. Numbers that are part of something else are not
 * candidates: words and ids (`abc1234`, `1234abc`), phone numbers and dates (`555-0101`, `2026-01-15`,
 * `15/01/2026`), times (`12:30`), amounts (`1,250`, `$1200`, `15%`), decimals, query strings
 * (`token=12345678`), HTML entities (`&#8203;`), e-mail addresses. A letter prefix joined by a dash is
 * allowed (`G-123456` is how some providers print codes).
 */
const CANDIDATE_RE = /(?<![\w/=#&$+%@])(?<!\d[-.,:/])\d{4,8}(?![\w%@])(?![-.,:/]\d)/g;

/** Words that sit next to a one-time code in SMS and e-mail texts. */
const KEYWORD_RE =
  /\b(?:code|codes|passcode|pin|otp|one[- ]time|verification|verify|security|2fa|two[- ](?:step|factor)|log ?in|sign[- ]?in)\b/gi;

/** E-mail bodies may arrive as HTML: tags and entities are not text (and their digits are not codes). */
function plainText(body: string): string {
  return body.replace(/<[^>]*>/g, ' ').replace(/&#?\w+;/g, ' ');
}

interface Span {
  readonly start: number;
  readonly end: number;
}

function distance(a: Span, b: Span): number {
  if (a.end <= b.start) return b.start - a.end;
  if (b.end <= a.start) return a.start - b.end;
  return 0;
}

/**
 * The one-time code in an SMS or e-mail text: the 4–8 digit number, e.g. in "ServiceTitan: 123456 is
 * your verification code." or "Your Jobber verification code is 123456". When the text holds several
 * such numbers, the one closest to a word like "code" or "verification" wins; a tie (or several numbers
 * and no such word) is refused rather than guessed, because submitting a wrong code counts towards the
 * vendor's lockout.
 *
 * @throws MfaRelayError (`field: 'body'`) when there is no code or no way to tell which number it is.
 */
export function extractMfaCode(body: string): string {
  const text = plainText(body);
  const candidates = [...text.matchAll(CANDIDATE_RE)].map((m) => ({
    value: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
  const [first] = candidates;
  if (!first) {
    throw new MfaRelayError(
      MfaRelayErrorCode.CodeNotFound,
      'body',
      'body: no verification code (a standalone 4 to 8 digit number) found in the message',
    );
  }
  if (candidates.length === 1) return first.value;

  const keywords: Span[] = [...text.matchAll(KEYWORD_RE)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }));
  if (keywords.length > 0) {
    const scored = candidates
      .map((c) => ({ ...c, score: Math.min(...keywords.map((k) => distance(c, k))) }))
      .sort((a, b) => a.score - b.score);
    const [best, runnerUp] = scored;
    if (best && (!runnerUp || best.score < runnerUp.score)) return best.value;
  }
  throw new MfaRelayError(
    MfaRelayErrorCode.CodeAmbiguous,
    'body',
    `body: ${candidates.length} numbers could be the verification code and nothing in the message says which`,
  );
}
