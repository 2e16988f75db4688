import { z } from 'zod';

/** `POST /sessions`: the connection's portal credentials, and the MFA code when the caller has one. */
export const establishSessionSchema = z
  .strictObject({
    connectionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a connection id'),
    username: z.string().min(1).max(320),
    password: z.string().min(1).max(1024),
    mfa: z
      .strictObject({
        type: z.enum(['totp', 'sms', 'email']),
        code: z
          .string()
          .regex(/^\d{4,8}$/, 'must be the 4-8 digit code')
          .optional(),
      })
      .optional(),
  })
  .meta({ id: 'SessionRequest' });

export const refreshSessionSchema = z
  .strictObject({ authToken: z.string().min(1).max(4096).optional() })
  .meta({ id: 'SessionRefreshRequest' });

export const sessionSchema = z
  .strictObject({
    authToken: z
      .string()
      .describe('Send as Authorization: Bearer to this API: it acts for the one connection (read, write)'),
    expiresIn: z.int().describe('Seconds until the token expires; refresh before'),
    user: z.strictObject({ id: z.string(), name: z.string(), entitlements: z.array(z.string()) }),
  })
  .meta({ id: 'Session' });
