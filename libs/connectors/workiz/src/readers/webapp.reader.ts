import {
  workizCallRecordSchema,
  workizCallSchema,
  workizClientSchema,
  workizEstimateSchema,
  workizInvoiceSchema,
  workizLocationRecordSchema,
  workizPaymentSchema,
  workizPricebookItemSchema,
  workizSmsRecordSchema,
  workizSmsThreadSchema,
} from '../workiz.schemas';
import { callExternalId, smsExternalId } from '../mappers/communication.mapper';
import { NORMAL_MS, SLOW_MS, sourceSpec, type Emitted, type StreamSpec } from './stream.reader';
import { memberId, teamDirectory } from './team-directory.util';
import { fieldId } from './wire-record.util';

/*
 * What the Developer API lacks, read from the web app's own JSON (`/ajaxc/…`), every record in id order on
 * every pass (the web app has no date window or change filter): clients with their service locations,
 * estimates, invoices, payments (voided ones too), the price book, and the call log and SMS threads as
 * communications (one stream for both, since one stream reconciles an entity).
 */

/** `rows` each to the one record of `entity` it is. */
const one =
  <T>(entity: Emitted['entity'], schema: Emitted['schema'], id: (row: T) => string) =>
  (rows: readonly T[]): Promise<Emitted[][]> =>
    Promise.resolve(rows.map((raw) => [{ entity, externalId: id(raw), schema, raw }]));

/** Clients; each client's service locations are yielded after it, with the client's id and times. */
export const clientsStream: StreamSpec = {
  stream: 'clients',
  entities: ['customer', 'location'],
  intervalMs: NORMAL_MS,
  sources: [
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/clients/list/', key: 'clients' },
      entity: 'customer',
      row: workizClientSchema,
      idOf: (raw) => fieldId(raw, 'client_id'),
      expand: (rows) =>
        Promise.resolve(
          rows.map((c) => [
            {
              entity: 'customer' as const,
              externalId: String(c.client_id),
              schema: workizClientSchema,
              raw: c,
            },
            ...c.service_locations.map((l) => ({
              entity: 'location' as const,
              externalId: String(l.location_id),
              schema: workizLocationRecordSchema,
              raw: {
                ...l,
                client_id: c.client_id,
                client_active: c.active,
                client_created: c.created,
                client_updated: c.updated,
                timezone: c.timezone,
              },
            })),
          ]),
        ),
    }),
  ],
};

export const estimatesStream: StreamSpec = {
  stream: 'estimates',
  entities: ['estimate'],
  intervalMs: NORMAL_MS,
  sources: [
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/estimates/list/', key: 'estimates' },
      entity: 'estimate',
      row: workizEstimateSchema,
      idOf: (raw) => fieldId(raw, 'estimate_id'),
      expand: one('estimate', workizEstimateSchema, (e: { estimate_id: number }) => String(e.estimate_id)),
    }),
  ],
};

export const invoicesStream: StreamSpec = {
  stream: 'invoices',
  entities: ['invoice'],
  intervalMs: NORMAL_MS,
  sources: [
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/invoices/list/', key: 'invoices' },
      entity: 'invoice',
      row: workizInvoiceSchema,
      idOf: (raw) => fieldId(raw, 'invoice_id'),
      expand: one('invoice', workizInvoiceSchema, (i: { invoice_id: number }) => String(i.invoice_id)),
    }),
  ],
};

export const paymentsStream: StreamSpec = {
  stream: 'payments',
  entities: ['payment'],
  intervalMs: NORMAL_MS,
  sources: [
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/payments/list/', key: 'payments' },
      entity: 'payment',
      row: workizPaymentSchema,
      idOf: (raw) => fieldId(raw, 'payment_id'),
      expand: one('payment', workizPaymentSchema, (p: { payment_id: number }) => String(p.payment_id)),
    }),
  ],
};

export const pricebookStream: StreamSpec = {
  stream: 'pricebook',
  entities: ['pricebook_item'],
  intervalMs: SLOW_MS,
  sources: [
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/pricebook/items/', key: 'pricebook_items' },
      entity: 'pricebook_item',
      row: workizPricebookItemSchema,
      idOf: (raw) => fieldId(raw, 'item_id'),
      expand: one('pricebook_item', workizPricebookItemSchema, (i: { item_id: number }) => String(i.item_id)),
    }),
  ],
};

/** Calls, then every text of every SMS thread, as communications; team members resolved by name. */
export const communicationsStream: StreamSpec = {
  stream: 'communications',
  entities: ['communication'],
  intervalMs: NORMAL_MS,
  sources: [
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/calls/list/', key: 'calls' },
      entity: 'communication',
      row: workizCallSchema,
      idOf: (raw) => fieldId(raw, 'call_id', 'call-'),
      expand: async (rows, { client, ctx }) => {
        const team = await teamDirectory(
          client,
          ctx,
          rows.map((c) => c.user),
        );
        return rows.map((call) => [
          {
            entity: 'communication',
            externalId: callExternalId(call.call_id),
            schema: workizCallRecordSchema,
            raw: { call, user_id: memberId(team, call.user) },
          },
        ]);
      },
    }),
    sourceSpec({
      list: { kind: 'web', path: '/ajaxc/messages/threads/', key: 'threads' },
      entity: 'communication',
      row: workizSmsThreadSchema,
      idOf: () => null,
      expand: async (rows, { client, ctx }) => {
        const team = await teamDirectory(
          client,
          ctx,
          rows.flatMap((t) => t.messages.map((m) => m.user)),
        );
        return rows.map((t) =>
          t.messages.map((message) => ({
            entity: 'communication' as const,
            externalId: smsExternalId(message.message_id),
            schema: workizSmsRecordSchema,
            raw: {
              message,
              thread_id: t.thread_id,
              client_id: t.client_id,
              phone: t.phone,
              timezone: t.timezone,
              user_id: memberId(team, message.user),
            },
          })),
        );
      },
    }),
  ],
};
