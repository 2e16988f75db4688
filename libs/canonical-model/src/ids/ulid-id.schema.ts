import { z } from 'zod';

const ULID = '[0-7][0-9A-HJKMNP-TV-Z]{25}';

export const ulidSchema = z
  .string()
  .regex(new RegExp(`^${ULID}$`), 'expected a ULID (26 Crockford base32 characters)');
export const eventIdSchema = z
  .string()
  .regex(new RegExp(`^evt_${ULID}$`), 'expected an event id: evt_ + ULID');
export const commandIdSchema = z
  .string()
  .regex(new RegExp(`^cmd_${ULID}$`), 'expected a command id: cmd_ + ULID');

export type EventId = z.infer<typeof eventIdSchema>;
export type CommandId = z.infer<typeof commandIdSchema>;
