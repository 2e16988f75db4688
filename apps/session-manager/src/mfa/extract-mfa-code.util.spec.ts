import { extractMfaCode } from './extract-mfa-code.util';
import { MfaRelayError, MfaRelayErrorCode } from './mfa.error';

function refusal(body: string): { code: MfaRelayErrorCode; field: string; message: string } {
  try {
    extractMfaCode(body);
  } catch (error) {
    if (error instanceof MfaRelayError)
      return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('extractMfaCode', () => {
  it.each([
    ['ServiceTitan: 123456 is your verification code. It expires in 5 minutes.', '123456'],
    ['Your Jobber verification code is 654321', '654321'],
    ['Your code is 4821.', '4821'],
    ['Use 12345678 to sign in', '12345678'],
    ['G-482913 is your Google verification code.', '482913'],
    ['Code:739201', '739201'],
    ['<p>Your <b>verification code</b> is <strong>204816</strong></p>', '204816'],
    ['  987654  ', '987654'],
  ])('finds the code in %j', (body, code) => {
    expect(extractMfaCode(body)).toBe(code);
  });

  it('ignores numbers that are parts of phone numbers, dates, times, amounts, ids and links', () => {
    const body =
      'Workiz: 553311 is your login code. Call (555) 555-0101 on 2026-11-21 at 12:30, ' +
      'balance $1200 of 1,250.00, ref ABC12345, 15% off, see https://x.example/v?token=87654321 or help@1234.example';
    expect(extractMfaCode(body)).toBe('553311');
  });

  it('picks the number next to "code" when an e-mail also has an address and a year', () => {
    const body =
      'Hi Olivia,\n\nYour verification code is 902114.\n\nGreenleaf HVAC, 4410 Main Street\n© 2026 Jobber Inc.';
    expect(extractMfaCode(body)).toBe('902114');
  });

  it('refuses a body without a code, naming body', () => {
    for (const body of ['Your password was changed.', 'Code 123 or 123456789', 'Call 555-0101']) {
      const error = refusal(body);
      expect(error).toMatchObject({ code: MfaRelayErrorCode.CodeNotFound, field: 'body' });
      expect(error.message).toMatch(/^body: /);
    }
  });

  it('refuses to guess between numbers nothing tells apart, without quoting them', () => {
    const error = refusal('Order 4411 shipped with 2 parcels, 9921 to follow');
    expect(error.code).toBe(MfaRelayErrorCode.CodeAmbiguous);
    expect(error.field).toBe('body');
    expect(error.message).not.toMatch(/4411|9921/);
    expect(refusal('verification 1111 or 2222 verification').code).toBe(MfaRelayErrorCode.CodeAmbiguous);
  });
});
