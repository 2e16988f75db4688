import type { Locator, Page } from 'playwright-core';

/*
 * Login forms found by what a browser's password manager relies on (the password input, the
 * `autocomplete` tokens, the form's submit button) rather than ids, names or labels, which vendors
 * rename whenever they redesign the page.
 */

const SUBMIT = 'button[type="submit"], input[type="submit"], button:not([type])';

export interface CredentialForm {
  /** User name or email: `autocomplete="username"`, else `autocomplete="email"` or `type="email"`. */
  readonly identifier: Locator;
  readonly password: Locator;
  readonly submit: Locator;
}

/** The first form on the page that holds a password input. */
export function credentialForm(page: Page): CredentialForm {
  const form = page
    .locator('form')
    .filter({ has: page.locator('input[type="password"]') })
    .first();
  return {
    identifier: form
      .locator('input[autocomplete~="username"], input[autocomplete~="email"], input[type="email"]')
      .first(),
    password: form.locator('input[type="password"]').first(),
    submit: form.locator(SUBMIT).first(),
  };
}

export interface OneTimeCodeForm {
  readonly code: Locator;
  readonly submit: Locator;
}

/** The form with the `autocomplete="one-time-code"` input (not a "resend code" form beside it). */
export function oneTimeCodeForm(page: Page): OneTimeCodeForm {
  const form = page
    .locator('form')
    .filter({ has: page.locator('input[autocomplete="one-time-code"]') })
    .first();
  return {
    code: form.locator('input[autocomplete="one-time-code"]').first(),
    submit: form.locator(SUBMIT).first(),
  };
}

/** Every element that tells a login page's outcome, for waiting until one of them is there. */
export const LOGIN_OUTCOME_SELECTORS = [
  'input[type="password"]',
  'input[autocomplete="one-time-code"]',
  '[role="alert"]',
] as const;
