import type { CommandType } from '@fieldsync/canonical-model';
import type { Entitlement } from './entitlement.constants';

/**
 * The entitlement each command needs from the connection's vendor role: one table for every door a
 * command comes through (the api refuses a REST write with 403 naming it, the writer refuses a command
 * published straight to NATS with `forbidden` naming it).
 */
export const COMMAND_ENTITLEMENTS: Readonly<Record<CommandType, Entitlement>> = {
  'client.create': 'clients',
  'job.create': 'jobs',
  'job.dispatch': 'scheduling',
  'job.status.update': 'jobs',
  'quote.create': 'estimates',
  'quote.convert': 'estimates',
  'invoice.create': 'invoices',
  'payment.record': 'payments',
  'payment.refund': 'payments',
  'attachment.upload': 'jobs',
  // A lead is read under `clients` (the api's reads of /leads), so creating one needs it too.
  'lead.create': 'clients',
};

/**
 * The entitlement a command lacks given the role's list, or undefined when it may be sent. A connection
 * whose role is not known yet (no login recorded: `null`) is not restricted here.
 */
export function missingCommandEntitlement(
  type: CommandType,
  granted: readonly string[] | null,
): Entitlement | undefined {
  const needed = COMMAND_ENTITLEMENTS[type];
  return granted && !granted.includes(needed) ? needed : undefined;
}
