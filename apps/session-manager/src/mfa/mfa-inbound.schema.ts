import { z } from 'zod';
import { MFA_CHANNELS } from './mfa.constants';
import { MfaRelayError } from './mfa.error';
import type { InboundMfaMessage, MfaChannel } from './mfa.types';
import { normaliseDestination } from './normalise-destination.util';

/*
 * The two shapes `POST /mfa/inbound` accepts. Error messages never quote the submitted values: a body
 * holds a code, a destination is personal data.
 */

const MAX_BODY = 100_000;

/** `to` normalised for its channel; a value that is no phone number / address is an issue on `path`. */
function destination(channel: MfaChannel, value: string, path: string, ctx: z.RefinementCtx): string {
  try {
    return normaliseDestination(channel, value, path);
  } catch (error) {
    if (!(error instanceof MfaRelayError)) throw error;
    ctx.addIssue({ code: 'custom', path: [path], message: error.message.replace(`${path}: `, '') });
    return z.NEVER;
  }
}

/** JSON from an e-mail forwarder, an SMS gateway or a script: `{ channel, to, from?, body, receivedAt?, messageId? }`. */
export const inboundJsonMessageSchema = z
  .strictObject({
    channel: z.enum(MFA_CHANNELS, { error: 'must be "sms" or "email"' }),
    to: z
      .string({ error: 'is required: the phone number or email address the code was sent to' })
      .min(1, 'must not be empty')
      .max(320, 'must be at most 320 characters'),
    from: z
      .string({ error: 'must be a string' })
      .min(1)
      .max(320, 'must be at most 320 characters')
      .optional(),
    body: z
      .string({ error: 'is required: the text of the message' })
      .min(1, 'must not be empty')
      .max(MAX_BODY, `must be at most ${MAX_BODY} characters`),
    receivedAt: z.iso
      .datetime({ offset: true, error: 'must be an ISO-8601 time such as 2026-11-21T10:00:00Z' })
      .optional(),
    messageId: z
      .string({ error: 'must be a string' })
      .min(1)
      .max(200, 'must be at most 200 characters')
      .optional(),
  })
  .transform((input, ctx): InboundMfaMessage => {
    const to = destination(input.channel, input.to, 'to', ctx);
    return {
      channel: input.channel,
      to,
      ...(input.from === undefined ? {} : { from: input.from }),
      body: input.body,
      ...(input.receivedAt === undefined ? {} : { receivedAt: new Date(input.receivedAt) }),
      ...(input.messageId === undefined ? {} : { externalId: `${input.channel}:${input.messageId}` }),
    };
  });

/**
 * Twilio's incoming-SMS webhook (`application/x-www-form-urlencoded`): `To`, `From`, `Body` and
 * `MessageSid` are used; Twilio's other fields (`AccountSid`, `NumMedia`, `FromCity`, ...) are ignored.
 * `MessageSid` makes a webhook Twilio retries count once.
 */
export const twilioSmsWebhookSchema = z
  .looseObject({
    To: z
      .string({ error: 'is required: the number the SMS was sent to' })
      .min(1, 'must not be empty')
      .max(64),
    From: z.string({ error: 'must be a string' }).max(64).optional(),
    Body: z
      .string({ error: 'is required: the text of the SMS' })
      .min(1, 'must not be empty')
      .max(MAX_BODY, `must be at most ${MAX_BODY} characters`),
    MessageSid: z.string({ error: 'must be a string' }).min(1).max(64).optional(),
  })
  .transform((input, ctx): InboundMfaMessage => {
    const to = destination('sms', input.To, 'To', ctx);
    return {
      channel: 'sms',
      to,
      ...(input.From ? { from: input.From } : {}),
      body: input.Body,
      ...(input.MessageSid === undefined ? {} : { externalId: `twilio:${input.MessageSid}` }),
    };
  });

/** The issues of a rejected body as `{ path, message }`, and one line naming every field at fault. */
export function describeIssues(error: z.ZodError): {
  message: string;
  issues: { path: string; message: string }[];
} {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  return { message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
}
