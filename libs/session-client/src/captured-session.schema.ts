import { vendorSchema } from '@fieldsync/canonical-model';
import type { CapturedSession } from '@fieldsync/connector-kit';
import { z } from 'zod';

/*
 * The plaintext inside a session envelope. `CapturedSession` is declared in connector-kit (the auth
 * contract, shared with the connectors); this schema validates it after decryption, and the
 * annotation below makes the compiler fail when the two drift apart. Unknown fields are dropped, not
 * rejected, so that a newer session manager can add one during a rolling deploy.
 */

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const sessionCookieSchema = z.object({
  name: z.string().min(1),
  value: z.string(),
  domain: z.string(),
  path: z.string(),
  expires: z.number(),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(['Strict', 'Lax', 'None']),
});

export const sessionUserSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  role: z.string(),
  entitlements: z.array(z.string()).readonly(),
});

export const capturedSessionSchema: z.ZodType<CapturedSession> = z.object({
  vendor: vendorSchema,
  portalUrl: z.url(),
  cookies: z.array(sessionCookieSchema),
  headers: z.record(z.string(), z.string()),
  user: sessionUserSchema,
  account: z.object({ id: z.string().min(1), name: z.string() }).optional(),
  establishedAt: isoTime,
  expiresAt: isoTime,
  deviceCookies: z.array(sessionCookieSchema),
});
