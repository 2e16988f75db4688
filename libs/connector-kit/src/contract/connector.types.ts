import { z } from 'zod';
import { commandTypeSchema, entityTypeSchema, vendorSchema } from '@fieldsync/canonical-model';
import type { AuthFlow, SessionPolicy } from '../auth/auth-flow.types';
import type { ConnectorReadSide } from '../sync/sync-reader.types';
import type { ConnectorWriteSide } from '../write/write-side.types';

/** How a vendor asks for a second factor at login. */
export const MFA_METHODS = ['totp', 'sms', 'email'] as const;
export const mfaMethodSchema = z.enum(MFA_METHODS);
export type MfaMethod = z.infer<typeof mfaMethodSchema>;

/** The transport a connector's data calls use: REST, GraphQL, or scraping server-rendered HTML. */
export const connectorTransportSchema = z.enum(['rest', 'graphql', 'html']);

/** A stream name: the `sync_cursors` key, lower-case a-z, 0-9, `_` or `-`. */
export const streamNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a stream name is lower-case a-z, 0-9, _ or -');

/**
 * A payload field a write carries to its vendor: a dotted path into the command's payload, `[]` for
 * the elements of an array (`lineItems[].taxCode`). A field of a command that no carried path covers is
 * refused `unsupported`, naming it, before the vendor is called.
 */
export const carriedFieldSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*(\[\])?(\.[A-Za-z][A-Za-z0-9]*(\[\])?)*$/, 'a dotted payload path');

/**
 * What a connector declares about itself. The registry validates it at startup against the code behind
 * it (every declared entity has a stream, every declared command a write, and the other way round), so a
 * connector that claims what it cannot do fails the boot instead of failing a sync later.
 */
export const connectorCapabilitiesSchema = z
  .object({
    /** Canonical entities it reads. */
    reads: z.array(entityTypeSchema).min(1),
    /** Its read side's streams, by name (the `sync_cursors` keys). */
    streams: z.array(streamNameSchema).min(1),
    /** The commands it executes, each with the payload fields it carries (`describeWrites`). */
    writes: z.partialRecord(commandTypeSchema, z.array(carriedFieldSchema)),
    mfa: z.array(mfaMethodSchema),
    sso: z.boolean(),
    transport: connectorTransportSchema,
  })
  .strict();
export type ConnectorCapabilities = z.infer<typeof connectorCapabilitiesSchema>;

export const connectorDescriptorSchema = z
  .object({
    vendor: vendorSchema,
    displayName: z.string().min(1),
    capabilities: connectorCapabilitiesSchema,
  })
  .strict();
export type ConnectorDescriptor = z.infer<typeof connectorDescriptorSchema>;

/** A connector's login: the vendor's session lifetimes, and the flow with operators' overrides applied. */
export interface ConnectorAuthFlows {
  /** The session lifetimes of the real product (idle and absolute). */
  readonly sessionPolicy: SessionPolicy;
  /** The Playwright login flow; `overrides` replace parts of `sessionPolicy` (SESSION_TIMEOUTS). */
  create(overrides?: Partial<SessionPolicy>): AuthFlow;
}

/**
 * One vendor, as every part of fieldsync sees it (DESIGN "The vendor plug-in"): a plain object exported
 * by `libs/connectors/<vendor>/src/<vendor>.connector.ts`, no Nest decorators. The session manager logs
 * in with `authFlows`, the extractor drives `readSide`, the writer `writeSide` (and maps what a write
 * read back with `readSide.mapper`), and the demo and the API read `descriptor`.
 */
export interface Connector {
  readonly descriptor: ConnectorDescriptor;
  readonly authFlows: ConnectorAuthFlows;
  readonly readSide: ConnectorReadSide;
  readonly writeSide: ConnectorWriteSide;
}
