import { z } from 'zod';

/*
 * Wire shapes of the ServiceTitan portal session endpoints the auth flow reads. Not strict: these
 * answers carry more than the flow needs, and an extra field is not drift that matters here.
 */

/** `GET /api/whoami`: who the session acts as, and the session's own clock. */
export const servicetitanWhoamiSchema = z.object({
  user: z.object({
    id: z.string().min(1),
    username: z.string().min(1),
    displayName: z.string().min(1),
    role: z.string().min(1),
  }),
  session: z
    .object({
      createdAt: z.iso.datetime({ offset: true }),
      idleExpiresAt: z.iso.datetime({ offset: true }),
    })
    .nullish(),
});
export type ServiceTitanWhoami = z.infer<typeof servicetitanWhoamiSchema>;

/** `GET /api/csrf`: the token state-changing calls send as `x-csrf-token`. */
export const servicetitanCsrfSchema = z.object({ csrfToken: z.string().min(1) });
