function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when the text contains something that looks like a full payment card number: a maximal run of
 * 13–19 digits (single spaces or dashes allowed between digits) that passes the Luhn check. Used to keep
 * card numbers out of canonical objects, events, commands and error messages. Longer digit runs are not
 * cards; about one in ten random 13–19 digit numbers passes Luhn, so callers apply it to free text only.
 */
export function containsCardNumber(text: string): boolean {
  const candidates = text.match(/(?<![\d])\d(?:[ -]?\d)+(?![\d])/g) ?? [];
  return candidates.some((candidate) => {
    const digits = candidate.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);
  });
}
