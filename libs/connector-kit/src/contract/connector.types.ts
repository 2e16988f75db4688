import { z } from 'zod';
import { commandTypeSchema, entityTypeSchema, vendorSchema } from '@fieldsync/canonical-model';

/** How a vendor asks for a second factor at login. */
export const MFA_METHODS = ['totp', 'sms', 'email'] as const;
export const mfaMethodSchema = z.enum(MFA_METHODS);
export type MfaMethod = z.infer<typeof mfaMethodSchema>;

/** The transport a connector's data calls use: REST, GraphQL, or scraping server-rendered HTML. */
export const connectorTransportSchema = z.enum(['rest', 'graphql', 'html']);

/**
 * What a connector declares about itself. The registry validates it at startup, so a connector that
 * claims an unknown entity or command fails the boot instead of failing a sync later.
 */
export const connectorCapabilitiesSchema = z
  .object({
    /** Canonical entities it reads. */
    reads: z.array(entityTypeSchema).min(1),
    /** Commands it executes. */
    writes: z.array(commandTypeSchema),
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

/**
 * The contract every vendor connector (libs/connectors/<vendor>) implements: a plain class, no Nest
 * decorators. Auth flows, clients, readers, mappers and writers join this contract as the session
 * manager, extractor and writer are built; the descriptor is what every part needs first.
 */
export interface Connector {
  readonly descriptor: ConnectorDescriptor;
}
