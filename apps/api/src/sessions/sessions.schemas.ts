import { establishSessionBodySchema, refreshSessionBodySchema } from '@fieldsync/session-client';
import { z } from 'zod';

/** `POST /sessions` (the session manager's own body schema, named for the OpenAPI document). */
export const establishSessionSchema = establishSessionBodySchema.meta({ id: 'SessionRequest' });

export const refreshSessionSchema = refreshSessionBodySchema.meta({ id: 'SessionRefreshRequest' });

export const sessionSchema = z
  .strictObject({
    authToken: z
      .string()
      .describe('Send as Authorization: Bearer to this API: it acts for the one connection (read, write)'),
    expiresIn: z.int().describe('Seconds until the token expires; refresh before'),
    user: z.strictObject({ id: z.string(), name: z.string(), entitlements: z.array(z.string()) }),
  })
  .meta({ id: 'Session' });
