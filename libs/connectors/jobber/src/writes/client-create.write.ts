import type { CommandOf } from '@fieldsync/canonical-model';
import {
  defineWrite,
  VendorWriteError,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { jobberMutate } from '../jobber.client';
import type { JobberClient, JobberProperty } from '../jobber.schemas';
import { commandFields, createdId } from './write-errors.util';
import { createProperties } from './write-property.util';
import { findSince, readClient, updatedSince } from './write-readback.util';
import { idOf, jobberAddress, norm, sameAddress, text } from './write-values.util';

/*
 * client.create → `clientCreate` (ClientCreateInput: names, emails, phones, billing address), then
 * `clientEdit` with the command's tags (Jobber's clientCreate takes none) and `propertyCreate` for every
 * location the client does not have yet (Jobber makes the billing address the client's first property).
 *
 * Jobber's client is a person or a company; a person's name is its first and last name, so `displayName`
 * names the client only when the command gives neither. The client is its own primary contact: the
 * contact's email and phone become the client's, and its name must be the client's (a different contact
 * person is a Jobber contact, which this write does not make). A location's name has no field here.
 * Not carried either (refused by name): custom fields (Jobber keys them by a custom field configuration,
 * which the sandbox does not model), notes (Jobber's client notes, likewise), and a marketing opt-in
 * (Jobber has none: its `receives…` flags are service reminders and follow-ups).
 *
 * No free-text field of a client survives for a marker: `find` looks for the natural key (the name Jobber
 * shows, and the primary email or phone when given) among the clients changed since the first attempt.
 */

type Payload = CommandOf<'client.create'>['payload'];

function clientNames(p: Payload) {
  const isCompany = p.type === 'commercial' || (p.companyName !== undefined && !p.firstName && !p.lastName);
  let firstName = p.firstName;
  let lastName = p.lastName;
  if (!isCompany && !firstName && !lastName) {
    const space = p.displayName.indexOf(' ');
    firstName = space < 0 ? p.displayName : p.displayName.slice(0, space);
    lastName = space < 0 ? '' : p.displayName.slice(space + 1);
  }
  const companyName = p.companyName ?? (isCompany ? p.displayName : undefined);
  const name = isCompany ? (companyName ?? '') : `${firstName ?? ''} ${lastName ?? ''}`.trim();
  return { isCompany, firstName, lastName, companyName, name };
}

/** The primary contact's name, honoured only as the client's own (Jobber's client is its primary contact). */
function assertContactIsClient(p: Payload, clientName: string): void {
  const contact = p.primaryContact?.name;
  if (contact === undefined || norm(contact) === norm(clientName) || norm(contact) === norm(p.displayName))
    return;
  throw new VendorWriteError(
    'unsupported',
    `Jobber's client is its own primary contact (${clientName}); a contact person of another name is not written`,
    { field: 'payload.primaryContact.name' },
  );
}

/**
 * The command's tags the client does not carry yet, added with `clientEdit(tagsToAdd)` (Jobber's
 * clientCreate takes no tags); whether any was added. A retry after a crash between the two adds the rest.
 */
async function ensureTags(
  ctx: WriteContext,
  command: CommandOf<'client.create'>,
  client: JobberClient,
): Promise<boolean> {
  const held = new Set(client.tags.nodes.map((t) => t.label.trim()));
  const missing = (command.payload.tags ?? [])
    .map((tag, index) => ({ tag, index }))
    .filter(({ tag }) => !held.has(tag));
  if (missing.length === 0) return false;
  await jobberMutate(
    ctx,
    'FieldsyncClientEditTags',
    `mutation FieldsyncClientEditTags($clientId: EncodedId!, $input: ClientEditInput!) {
      clientEdit(clientId: $clientId, input: $input) { client { id } userErrors { message path } }
    }`,
    { clientId: client.id, input: { tagsToAdd: missing.map((m) => m.tag) } },
    'clientEdit',
    {
      fieldOf: commandFields({
        'input.tagsToAdd': 'payload.tags',
        'input.tagsToAdd.*': (i) => `payload.tags[${missing[i[0] ?? 0]?.index ?? 0}]`,
      }),
    },
  );
  return true;
}

/** The client's properties for every location of the command it does not have yet; whether any was made. */
async function ensureProperties(
  ctx: WriteContext,
  command: CommandOf<'client.create'>,
  clientId: string,
  existing: readonly JobberProperty[],
): Promise<boolean> {
  const missing = (command.payload.locations ?? [])
    .map((l, index) => ({ address: l.address, index }))
    .filter(({ address }) => !existing.some((p) => sameAddress(p, address)));
  if (missing.length === 0) return false;
  await createProperties(
    ctx,
    clientId,
    missing.map((m) => m.address),
    commandFields({
      'input.properties.*': (i) => `payload.locations[${missing[i[0] ?? 0]?.index ?? 0}].address`,
    }),
  );
  return true;
}

async function clientOutcome(
  ctx: WriteContext,
  command: CommandOf<'client.create'>,
  clientId: string,
): Promise<WriteOutcome<'client.create'>> {
  let read = await readClient(ctx, clientId);
  const tagged = await ensureTags(ctx, command, read.client);
  const located = await ensureProperties(ctx, command, clientId, read.properties);
  if (tagged || located) read = await readClient(ctx, clientId);
  return {
    records: read.records,
    result: {
      customerId: idOf(ctx, 'customer', read.client.id),
      locationIds: read.properties.map((p) => idOf(ctx, 'location', p.id)),
    },
  };
}

export const clientCreateWrite = defineWrite('client.create', {
  carries: [
    'displayName',
    'firstName',
    'lastName',
    'companyName',
    'type',
    'primaryContact.name',
    'primaryContact.email',
    'primaryContact.phone',
    'billingAddress',
    'locations[].address',
    'tags',
  ],

  async find(ctx, command) {
    const p = command.payload;
    const { name } = clientNames(p);
    const email = norm(p.primaryContact?.email);
    const phone = (p.primaryContact?.phone ?? '').replace(/\D/g, '');
    const nodes = await updatedSince(
      ctx,
      'clients',
      'ClientFilterAttributes',
      [
        'id',
        'name',
        { name: 'emails', fields: ['address', 'primary'] },
        { name: 'phones', fields: ['number', 'primary'] },
      ],
      findSince(ctx),
    );
    const match = nodes.find((n) => {
      if (norm(text(n['name'])) !== norm(name)) return false;
      const emails = (n['emails'] as { address: string }[] | undefined) ?? [];
      const phones = (n['phones'] as { number: string }[] | undefined) ?? [];
      if (email !== '' && !emails.some((e) => norm(e.address) === email)) return false;
      if (phone !== '' && !phones.some((x) => x.number.replace(/\D/g, '') === phone)) return false;
      return true;
    });
    // A client found with locations missing (a crash between the two mutations) gets them now.
    return match ? clientOutcome(ctx, command, match['id'] as string) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    const names = clientNames(p);
    assertContactIsClient(p, names.name);
    const billing = p.billingAddress ?? p.locations?.[0]?.address;
    const input: Record<string, unknown> = { isCompany: names.isCompany };
    if (names.firstName) input['firstName'] = names.firstName;
    if (names.lastName) input['lastName'] = names.lastName;
    if (names.companyName) input['companyName'] = names.companyName;
    if (p.primaryContact?.email) input['emails'] = [{ address: p.primaryContact.email, primary: true }];
    if (p.primaryContact?.phone) input['phones'] = [{ number: p.primaryContact.phone, primary: true }];
    if (billing) input['billingAddress'] = jobberAddress(billing);
    const payload = await jobberMutate(
      ctx,
      'FieldsyncClientCreate',
      `mutation FieldsyncClientCreate($input: ClientCreateInput!) {
        clientCreate(input: $input) { client { id } userErrors { message path } }
      }`,
      { input },
      'clientCreate',
      {
        fieldOf: commandFields({
          'input.firstName': 'payload.firstName',
          'input.lastName': 'payload.lastName',
          'input.companyName': 'payload.companyName',
          'input.emails': 'payload.primaryContact.email',
          'input.phones': 'payload.primaryContact.phone',
          'input.billingAddress': p.billingAddress
            ? 'payload.billingAddress'
            : 'payload.locations[0].address',
        }),
      },
    );
    return clientOutcome(ctx, command, createdId(payload, 'client', 'clientCreate'));
  },
});
