import { z } from 'zod';

/** 202: the command was sent and goes on; poll its Location. */
export const commandAcceptedSchema = z
  .strictObject({
    commandId: z.string(),
    status: z.literal('pending'),
    location: z.string().describe('/commands/{commandId}'),
  })
  .meta({ id: 'CommandAccepted' });

/** `GET /commands/{commandId}`. */
export const commandStatusSchema = z
  .strictObject({
    commandId: z.string(),
    type: z.string().nullable(),
    connectionId: z.string(),
    idempotencyKey: z.string(),
    status: z.enum(['pending', 'received', 'in_progress', 'succeeded', 'failed', 'rejected']),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.record(z.string(), z.unknown()).nullable(),
    requestedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'CommandStatus' });
