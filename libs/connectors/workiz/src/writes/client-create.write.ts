import { defineWrite, type WriteContext } from '@fieldsync/connector-kit';
import type { CommandOf } from '@fieldsync/canonical-model';
import { localToUtc } from '../mappers/local-time.util';
import { workizClientSchema, workizLocationRecordSchema, type WorkizClient } from '../workiz.schemas';
import { workizClient } from '../workiz.readers';
import { unsupported, vendorCall } from './write-errors.util';
import { newestRows, webRecord, type WebList, type WriteRecord } from './write-readback.util';
import { idOf, workizAddress } from './write-values.util';

/*
 * client.create → the web app's `POST /ajaxc/clients/create/` (the Developer API has no clients): first
 * and last name or a company, one phone and one email, the billing address and the service locations
 * (without one, Workiz makes the billing address the service location). Workiz's client has no field a
 * marker could go in, so `find` matches by natural key: a client among the newest with the same name, the
 * same billing street and ZIP, created since the command's first attempt. The display name is Workiz's own
 * (the company, else first and last name): a different one is refused by name, as are the type when it
 * contradicts the names, a contact name other than the client's, tags, custom fields, marketing consent
 * and notes (Workiz's client form has none of them).
 */

const CLIENTS: WebList = { path: '/ajaxc/clients/list/', key: 'clients', idField: 'client_id' };
type ClientCreate = CommandOf<'client.create'>;

interface Names {
  readonly first: string;
  readonly last: string;
  readonly company: string;
}

function namesOf(p: ClientCreate['payload']): Names {
  if (p.firstName === undefined && p.lastName === undefined && p.companyName === undefined) {
    if (p.type === 'commercial') return { first: '', last: '', company: p.displayName };
    const [first = '', ...rest] = p.displayName.trim().split(/\s+/);
    return { first, last: rest.join(' '), company: '' };
  }
  return { first: p.firstName ?? '', last: p.lastName ?? '', company: p.companyName ?? '' };
}

const shownName = (n: Names): string => n.company.trim() || `${n.first} ${n.last}`.trim();

function recordsOf(client: WorkizClient): WriteRecord[] {
  const id = String(client.client_id);
  return [
    webRecord('customer', workizClientSchema, client, id),
    ...client.service_locations.map((l) =>
      webRecord(
        'location',
        workizLocationRecordSchema,
        {
          ...l,
          client_id: client.client_id,
          client_active: client.active,
          client_created: client.created,
          client_updated: client.updated,
          timezone: client.timezone,
        },
        String(l.location_id),
      ),
    ),
  ];
}

function outcome(ctx: WriteContext, client: WorkizClient) {
  return {
    records: recordsOf(client),
    result: {
      customerId: idOf(ctx, 'customer', String(client.client_id)),
      locationIds: client.service_locations.map((l) => idOf(ctx, 'location', String(l.location_id))),
    },
  };
}

function check(p: ClientCreate['payload']): Names {
  const names = namesOf(p);
  if (shownName(names) !== p.displayName.trim()) {
    throw unsupported(
      'payload.displayName',
      `shows a client by its company, else its first and last name ("${shownName(names)}"), and keeps no other display name`,
    );
  }
  const commercial = names.company !== '' && names.first === '' && names.last === '';
  if (p.type !== undefined && (p.type === 'commercial') !== commercial) {
    throw unsupported(
      'payload.type',
      'takes a client as commercial when it has a company and no person’s name, else residential',
    );
  }
  if (
    p.primaryContact &&
    p.primaryContact.name.trim() !== shownName(names) &&
    p.primaryContact.name.trim() !== `${names.first} ${names.last}`.trim()
  ) {
    throw unsupported('payload.primaryContact.name', 'keeps no contact name apart from the client’s');
  }
  return names;
}

export const clientCreateWrite = defineWrite('client.create', {
  carries: [
    'displayName',
    'firstName',
    'lastName',
    'companyName',
    'type',
    'primaryContact',
    'billingAddress',
    'locations',
  ],

  /** Natural key: same names, billing street and ZIP, created since the first attempt (the newest clients). */
  async find(ctx, command) {
    const p = command.payload;
    const names = check(p);
    const billing = p.billingAddress ?? p.locations?.[0]?.address;
    const since = ctx.firstAttemptAt.getTime() - 1_000;
    for (const row of (await newestRows(ctx, CLIENTS)).reverse()) {
      const c = workizClientSchema.safeParse(row);
      if (!c.success) continue;
      const d = c.data;
      if (Date.parse(localToUtc(d.created, d.timezone)) < since) continue;
      if (d.first_name !== names.first || d.last_name !== names.last || d.company !== names.company) continue;
      if (
        billing &&
        (d.billing_address.address !== billing.line1 || d.billing_address.zip !== (billing.postalCode ?? ''))
      )
        continue;
      return outcome(ctx, d);
    }
    return null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const names = check(p);
    const billing = p.billingAddress ?? p.locations?.[0]?.address;
    if (!billing)
      throw unsupported(
        'payload.billingAddress',
        "needs a client's address: give billingAddress or a location",
      );
    const body = {
      ...(names.first ? { first_name: names.first } : {}),
      ...(names.last ? { last_name: names.last } : {}),
      ...(names.company ? { company: names.company } : {}),
      ...(p.primaryContact?.phone !== undefined ? { phone: p.primaryContact.phone } : {}),
      ...(p.primaryContact?.email !== undefined ? { email: p.primaryContact.email } : {}),
      billing_address: withoutEmptyUnit(
        workizAddress(billing, p.billingAddress ? 'payload.billingAddress' : 'payload.locations[0].address'),
      ),
      ...(p.locations?.length
        ? {
            service_locations: p.locations.map((l, i) => ({
              ...withoutEmptyUnit(workizAddress(l.address, `payload.locations[${i}].address`)),
              ...(l.name !== undefined ? { name: l.name } : {}),
            })),
          }
        : {}),
    };
    const answer = await vendorCall(
      'ajaxc/clients/create',
      {
        first_name: 'payload.firstName',
        last_name: 'payload.lastName',
        company: 'payload.companyName',
        phone: 'payload.primaryContact.phone',
        email: 'payload.primaryContact.email',
        'billing_address.address': 'payload.billingAddress.line1',
        'billing_address.zip': 'payload.billingAddress.postalCode',
        'billing_address.state': 'payload.billingAddress.region',
        'billing_address.city': 'payload.billingAddress.city',
      },
      () => workizClient.webPost(ctx, '/ajaxc/clients/create/', body),
    );
    const client = workizClientSchema.parse((answer as { client?: unknown }).client);
    return outcome(ctx, client);
  },
});

function withoutEmptyUnit<T extends { unit: string }>(a: T): Omit<T, 'unit'> | T {
  if (a.unit !== '') return a;
  const { unit: _unit, ...rest } = a;
  return rest;
}
