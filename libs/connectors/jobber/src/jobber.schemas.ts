import { z } from 'zod';

/*
 * Wire shapes of the Jobber portal session endpoints the auth flow reads. Not strict: these answers
 * carry more than the flow needs, and an extra field is not drift that matters here.
 */

/** `GET /api/whoami`: who the session acts as, and the session's own clock. */
export const jobberWhoamiSchema = z.object({
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
export type JobberWhoami = z.infer<typeof jobberWhoamiSchema>;

/** `GET /api/csrf`: the token `POST /api/graphql` sends as `x-csrf-token`. */
export const jobberCsrfSchema = z.object({ csrfToken: z.string().min(1) });
