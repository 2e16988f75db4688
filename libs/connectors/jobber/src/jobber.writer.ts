import {
  canonicalId,
  Money,
  normalizeTimestamp,
  type Address,
  type CommandOf,
  type CommandTotalsInput,
  type CommandType,
  type PaymentMethod,
} from '@fieldsync/canonical-model';
import {
  findMarker,
  MARKER_PATTERN,
  VendorWriteError,
  withMarker,
  type Booking,
  type CommandHandler,
  type ConnectorWriteSide,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { jobberMutate } from './jobber.client';
import { JOBBER_CURRENCY, jobberMapper } from './jobber.mapper';
import type { JobberSelection } from './jobber-query.util';
import { commandFields } from './jobber-write-errors.util';
import {
  readClient,
  readInvoice,
  readJob,
  readNode,
  readPayment,
  readQuote,
  updatedSince,
  visitsOverlapping,
  type JobRead,
  type WriteRecord,
} from './jobber-write-readback';
import { expectedTotals, totalsMismatch, vendorTotals } from './jobber-write-totals.util';
import type { JobberPaymentRecord, JobberProperty, JobberVisit } from './jobber.schemas';

/*
 * The Jobber write side (vendors.md §2): each command through Jobber's GraphQL mutations, then the
 * records it created or changed read back with the readers' selections.
 *
 * Idempotency: Jobber has no external-id field the sandbox models on these inputs, so the command's
 * marker goes into a free-text field the mutation keeps (a job's instructions, a quote's title, an
 * invoice's subject, a payment's details) and `find` looks for it among the records updated since the
 * first attempt (less FIND_SLACK_MS: Jobber's updatedAt has whole seconds and the filter is exclusive).
 * A client has no such field: it is found by its natural key (name and primary email/phone).
 */

/** How far before the first attempt `find` looks (clock skew, whole-second updatedAt). */
const FIND_SLACK_MS = 2 * 60_000;
const DAY_MS = 86_400_000;

type Outcome<T extends CommandType> = WriteOutcome<T>;
type Handler<T extends CommandType> = CommandHandler<T>;

const since = (ctx: WriteContext): Date => new Date(ctx.firstAttemptAt.getTime() - FIND_SLACK_MS);
const ids = (ctx: WriteContext) => ({
  of: (entity: Parameters<typeof canonicalId>[1], externalId: string) =>
    canonicalId(ctx.connectionId, entity, externalId),
});
const money = (dollars: number): number => Money.parse(dollars, JOBBER_CURRENCY).toAmount();
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Jobber accounts bill in one currency (the sandbox's is USD) and its API takes no other. */
function assertCurrency(currency: string): void {
  if (currency !== JOBBER_CURRENCY) {
    throw new VendorWriteError(
      'validation_failed',
      `Jobber bills this account in ${JOBBER_CURRENCY}; the command is in ${currency}`,
      { field: 'payload.currency' },
    );
  }
}

const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  AU: 'Australia',
};

/** A canonical address → Jobber's AddressAttributes. */
function jobberAddress(a: Address): Record<string, string> {
  const out: Record<string, string> = { street1: a.line1 };
  if (a.line2) out['street2'] = a.line2;
  if (a.city) out['city'] = a.city;
  if (a.region) out['province'] = a.region;
  if (a.postalCode) out['postalCode'] = a.postalCode;
  if (a.country) out['country'] = COUNTRY_NAMES[a.country] ?? a.country;
  return out;
}

const norm = (s: string | null | undefined): string => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** A property at this address already (street and postal code, as Jobber's own duplicate check). */
function sameAddress(p: JobberProperty, a: Address): boolean {
  const street = p.address.street1 ?? p.address.street;
  return norm(street) === norm(a.line1) && norm(p.address.postalCode) === norm(a.postalCode);
}

/** The window of a canonical appointment window: end from scheduledEnd or durationMinutes. */
function windowOf(w: {
  scheduledStart: string;
  scheduledEnd?: string | undefined;
  durationMinutes?: number | undefined;
}): {
  startAt: string;
  endAt: string;
} {
  const start = Date.parse(w.scheduledStart);
  const end =
    w.scheduledEnd !== undefined ? Date.parse(w.scheduledEnd) : start + (w.durationMinutes ?? 0) * 60_000;
  return { startAt: normalizeTimestamp(new Date(start)), endAt: normalizeTimestamp(new Date(end)) };
}

async function resolveTechnicians(ctx: WriteContext, technicianIds: readonly string[], field: string) {
  const out: string[] = [];
  for (const [i, id] of technicianIds.entries())
    out.push((await ctx.resolve(id, `${field}[${i}]`)).externalId);
  return out;
}

/** Command line items → Jobber's LineItemAttributes (a pricebook item → its product or service). */
async function jobberLines(
  ctx: WriteContext,
  lines: readonly {
    pricebookItemId?: string | undefined;
    name?: string | undefined;
    description: string;
    quantity: number;
    unitPrice: number;
    taxable?: boolean | undefined;
  }[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const [i, line] of lines.entries()) {
    const item: Record<string, unknown> = {
      name: line.name ?? line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
    };
    if (line.name !== undefined && line.description !== '') item['description'] = line.description;
    if (line.taxable !== undefined) item['taxable'] = line.taxable;
    if (line.pricebookItemId !== undefined) {
      item['productOrServiceId'] = (
        await ctx.resolve(line.pricebookItemId, `payload.lineItems[${i}].pricebookItemId`)
      ).externalId;
    }
    out.push(item);
  }
  return out;
}

/** The line-item paths of a create mutation → the command's. */
const lineFields = (prefix: string) => ({
  [`${prefix}.lineItems`]: 'payload.lineItems',
  [`${prefix}.lineItems.*`]: (i: readonly number[]) => `payload.lineItems[${i[0] ?? 0}]`,
  [`${prefix}.lineItems.*.quantity`]: (i: readonly number[]) => `payload.lineItems[${i[0] ?? 0}].quantity`,
  [`${prefix}.lineItems.*.unitPrice`]: (i: readonly number[]) => `payload.lineItems[${i[0] ?? 0}].unitPrice`,
  [`${prefix}.lineItems.*.productOrServiceId`]: (i: readonly number[]) =>
    `payload.lineItems[${i[0] ?? 0}].pricebookItemId`,
});

/** Verify-after-write of a quote's or invoice's money; a mismatch is the vendor disagreeing with the command. */
function assertTotals(
  what: string,
  id: string,
  input: CommandTotalsInput,
  amounts: { subtotal: number; discountAmount: number; taxAmount: number; total: number },
): void {
  const mismatch = totalsMismatch(
    expectedTotals(input),
    vendorTotals(amounts, input.currency),
    input.currency,
    (input.taxes?.length ?? 0) > 0,
  );
  if (mismatch !== undefined) {
    throw new VendorWriteError('vendor_rejected', `Jobber ${what} ${id}: ${mismatch}`, {
      field: 'payload.lineItems',
    });
  }
}

/** Discounts: Jobber's create inputs take none (a line with a negative price is refused too). */
function assertNoDiscounts(discounts: readonly unknown[] | undefined, field: string): void {
  if ((discounts?.length ?? 0) > 0) {
    throw new VendorWriteError('unsupported', 'Jobber cannot take a discount through its API', { field });
  }
}

// ------------------------------------------------------------------ client.create

function clientNames(p: CommandOf<'client.create'>['payload']) {
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

/** The client's properties for every location of the command (its own addresses and the billing one). */
async function ensureProperties(
  ctx: WriteContext,
  command: CommandOf<'client.create'>,
  clientId: string,
  existing: readonly JobberProperty[],
): Promise<boolean> {
  const wanted = command.payload.locations?.map((l) => l.address) ?? [];
  const missing = wanted
    .map((address, index) => ({ address, index }))
    .filter(({ address }) => !existing.some((p) => sameAddress(p, address)));
  if (missing.length === 0) return false;
  await jobberMutate(
    ctx,
    'FieldsyncPropertyCreate',
    `mutation FieldsyncPropertyCreate($clientId: EncodedId!, $input: PropertyCreateInput!) {
      propertyCreate(clientId: $clientId, input: $input) { properties { id } userErrors { message path } }
    }`,
    { clientId, input: { properties: missing.map(({ address }) => ({ address: jobberAddress(address) })) } },
    'propertyCreate',
    {
      fieldOf: commandFields({
        'input.properties.*': (i) => `payload.locations[${missing[i[0] ?? 0]?.index ?? 0}].address`,
      }),
    },
  );
  return true;
}

async function clientOutcome(
  ctx: WriteContext,
  command: CommandOf<'client.create'>,
  clientId: string,
): Promise<Outcome<'client.create'>> {
  let read = await readClient(ctx, clientId);
  if (await ensureProperties(ctx, command, clientId, read.properties)) read = await readClient(ctx, clientId);
  const id = ids(ctx);
  return {
    records: read.records,
    result: {
      customerId: id.of('customer', read.client.id),
      locationIds: read.properties.map((p) => id.of('location', p.id)),
    },
  };
}

const clientCreate: Handler<'client.create'> = {
  // No free-text field on a client the sandbox keeps: the natural key (the name Jobber shows, and the
  // primary email or phone when the command gives one) among the clients changed since the first attempt.
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
      since(ctx),
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
};

function createdId(payload: Readonly<Record<string, unknown>>, key: string, operation: string): string {
  const node = payload[key] as { id?: unknown } | null | undefined;
  if (typeof node?.id !== 'string') {
    throw new VendorWriteError(
      'vendor_rejected',
      `Jobber ${operation} answered without a ${key} and without userErrors`,
    );
  }
  return node.id;
}

// ------------------------------------------------------------------ jobs

/** `instructions` carry the marker; a job made by this command shows it on the job (its first visit). */
const JOB_FIND: JobberSelection = ['id', 'instructions', { name: 'quote', fields: ['id'] }];

async function jobWithMarker(ctx: WriteContext, quoteId?: string): Promise<string | undefined> {
  const nodes = await updatedSince(ctx, 'jobs', 'JobFilterAttributes', JOB_FIND, since(ctx));
  const match = nodes.find(
    (n) =>
      findMarker(text(n['instructions'])) === ctx.marker &&
      (quoteId === undefined || (n['quote'] as { id?: string } | null)?.id === quoteId),
  );
  return match ? (match['id'] as string) : undefined;
}

const jobCreateFields = (technicianField: string) =>
  commandFields({
    'input.propertyId': 'payload.locationId',
    'input.title': 'payload.title',
    'input.quoteId': 'payload.estimateId',
    'input.scheduling': 'payload.appointment',
    'input.scheduling.startAt': 'payload.appointment.scheduledStart',
    'input.scheduling.endAt': 'payload.appointment.scheduledEnd',
    'input.scheduling.assignedUserIds': technicianField,
    'input.scheduling.assignedUserIds.*': (i) => `${technicianField}[${i[0] ?? 0}]`,
  });

async function createJob(
  ctx: WriteContext,
  input: Record<string, unknown>,
  technicianField: string,
): Promise<string> {
  const payload = await jobberMutate(
    ctx,
    'FieldsyncJobCreate',
    `mutation FieldsyncJobCreate($input: JobCreateAttributes!) {
      jobCreate(input: $input) { job { id } userErrors { message path } }
    }`,
    { input },
    'jobCreate',
    { fieldOf: jobCreateFields(technicianField), conflictField: technicianField },
  );
  return createdId(payload, 'job', 'jobCreate');
}

async function scheduling(
  ctx: WriteContext,
  window: Parameters<typeof windowOf>[0] | undefined,
  technicianIds: readonly string[] | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (window === undefined) return undefined;
  const users = await resolveTechnicians(ctx, technicianIds ?? [], 'payload.technicianIds');
  return { ...windowOf(window), assignedUserIds: users };
}

function jobResult(ctx: WriteContext, read: JobRead) {
  const first = read.visits[0];
  return {
    jobId: ids(ctx).of('job', read.job.id),
    appointmentId: first ? ids(ctx).of('appointment', first.id) : null,
    number: String(read.job.jobNumber),
  };
}

/** Other visits of these technicians that overlap the window, read fresh from Jobber. */
async function bookingsIn(
  ctx: WriteContext,
  window: { startAt: string; endAt: string },
  technicians: readonly string[],
  ownVisitId: string | undefined,
): Promise<Booking[]> {
  if (technicians.length === 0) return [];
  const id = ids(ctx);
  const out: Booking[] = [];
  for (const visit of await visitsOverlapping(ctx, window.startAt, window.endAt)) {
    if (visit.id === ownVisitId) continue;
    for (const user of visit.users) {
      if (!technicians.includes(user)) continue;
      out.push({
        technicianId: id.of('technician', user),
        appointmentId: id.of('appointment', visit.id),
        start: normalizeTimestamp(visit.startAt),
        end: normalizeTimestamp(visit.endAt),
      });
    }
  }
  return out;
}

/** The property of a new job: the location given, or one at the service address (made once). */
async function propertyFor(
  ctx: WriteContext,
  p: CommandOf<'job.create'>['payload'],
  clientId: string,
): Promise<string> {
  if (p.locationId !== undefined) {
    const location = await ctx.resolve(p.locationId, 'payload.locationId');
    const owner = (location.document as { customerId?: string }).customerId;
    if (owner !== undefined && owner !== p.customerId) {
      throw new VendorWriteError('validation_failed', 'the location belongs to another customer', {
        field: 'payload.locationId',
      });
    }
    return location.externalId;
  }
  const address = p.serviceAddress as Address;
  // A retry after a crash between propertyCreate and jobCreate finds the property made the first time.
  const existing = (await readClient(ctx, clientId)).properties.find((prop) => sameAddress(prop, address));
  if (existing) return existing.id;
  const payload = await jobberMutate(
    ctx,
    'FieldsyncPropertyCreate',
    `mutation FieldsyncPropertyCreate($clientId: EncodedId!, $input: PropertyCreateInput!) {
      propertyCreate(clientId: $clientId, input: $input) { properties { id } userErrors { message path } }
    }`,
    { clientId, input: { properties: [{ address: jobberAddress(address) }] } },
    'propertyCreate',
    { fieldOf: commandFields({ clientId: 'payload.customerId', input: 'payload.serviceAddress' }) },
  );
  const created = (payload['properties'] as { id?: unknown }[] | null | undefined)?.[0]?.id;
  if (typeof created !== 'string') {
    throw new VendorWriteError('vendor_rejected', 'Jobber propertyCreate answered without a property');
  }
  return created;
}

const jobCreate: Handler<'job.create'> = {
  async find(ctx) {
    const jobId = await jobWithMarker(ctx);
    if (jobId === undefined) return null;
    const read = await readJob(ctx, jobId);
    return { records: read.records, result: jobResult(ctx, read) };
  },

  async execute(ctx, command) {
    const p = command.payload;
    if ((p.lineItems?.length ?? 0) > 0) {
      throw new VendorWriteError(
        'unsupported',
        'Jobber jobCreate takes no line items; invoice them instead',
        {
          field: 'payload.lineItems',
        },
      );
    }
    const client = await ctx.resolve(p.customerId, 'payload.customerId');
    const propertyId = await propertyFor(ctx, p, client.externalId);
    const input: Record<string, unknown> = {
      propertyId,
      title: p.title,
      instructions: withMarker(p.description ?? null, ctx.marker),
    };
    const schedule = await scheduling(ctx, p.appointment, p.technicianIds);
    if (schedule) input['scheduling'] = schedule;
    const jobId = await createJob(ctx, input, 'payload.technicianIds');
    const read = await readJob(ctx, jobId);
    return { records: read.records, result: jobResult(ctx, read) };
  },

  async bookings(ctx, command) {
    const p = command.payload;
    if (p.appointment === undefined || !p.technicianIds?.length) return [];
    const users = await resolveTechnicians(ctx, p.technicianIds, 'payload.technicianIds');
    return bookingsIn(ctx, windowOf(p.appointment), users, undefined);
  },
};

// ------------------------------------------------------------------ job.dispatch

interface DispatchPlan {
  readonly read: JobRead;
  readonly visit: JobberVisit;
  /** Jobber user ids of the crew after the command. */
  readonly crew: readonly string[];
  /** The command's technician ids by Jobber user id (for userErrors). */
  readonly commandIndex: ReadonlyMap<string, number>;
  readonly window: { startAt: string; endAt: string } | undefined;
}

async function planDispatch(ctx: WriteContext, command: CommandOf<'job.dispatch'>): Promise<DispatchPlan> {
  const p = command.payload;
  const job = await ctx.resolve(p.jobId, 'payload.jobId');
  const read = await readJob(ctx, job.externalId);
  let visit: JobberVisit | undefined;
  if (p.appointmentId !== undefined) {
    const appointment = await ctx.resolve(p.appointmentId, 'payload.appointmentId');
    visit = read.visits.find((v) => v.id === appointment.externalId);
    if (!visit) {
      throw new VendorWriteError('validation_failed', 'the appointment is not a visit of this job', {
        field: 'payload.appointmentId',
      });
    }
  } else {
    // The job's only open visit, or the next one to start.
    const open = read.visits.filter((v) => !v.isComplete);
    visit = [...open].sort((a, b) => (a.startAt ?? '9').localeCompare(b.startAt ?? '9'))[0];
    if (!visit) {
      throw new VendorWriteError('not_found', 'the job has no open visit to dispatch', {
        field: 'payload.appointmentId',
      });
    }
  }
  const current = visit.assignedUsers.nodes.map((u) => u.id);
  const commandIndex = new Map<string, number>();
  let crew = current;
  if (p.technicians) {
    const users = await resolveTechnicians(
      ctx,
      p.technicians.technicianIds,
      'payload.technicians.technicianIds',
    );
    users.forEach((u, i) => commandIndex.set(u, i));
    switch (p.technicians.mode) {
      case 'assign':
        crew = [...current, ...users.filter((u) => !current.includes(u))];
        break;
      case 'unassign':
        crew = current.filter((u) => !users.includes(u));
        break;
      case 'replace':
        crew = users;
        break;
    }
  }
  return { read, visit, crew, commandIndex, window: p.window ? windowOf(p.window) : undefined };
}

const sameInstant = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

const jobDispatch: Handler<'job.dispatch'> = {
  // Naturally idempotent: the crew and the window are set, not added to, and unchanged ones are not sent.
  async execute(ctx, command) {
    const plan = await planDispatch(ctx, command);
    const { visit } = plan;
    const appointmentId = visit.id;
    if (
      plan.window &&
      !(sameInstant(visit.startAt, plan.window.startAt) && sameInstant(visit.endAt, plan.window.endAt))
    ) {
      await jobberMutate(
        ctx,
        'FieldsyncAppointmentEditSchedule',
        `mutation FieldsyncAppointmentEditSchedule($appointmentId: EncodedId!, $input: AppointmentEditScheduleInput!) {
          appointmentEditSchedule(appointmentId: $appointmentId, input: $input) { appointment { id } userErrors { message path } }
        }`,
        { appointmentId, input: plan.window },
        'appointmentEditSchedule',
        {
          fieldOf: commandFields({
            appointmentId: 'payload.appointmentId',
            'input.startAt': 'payload.window.scheduledStart',
            'input.endAt': 'payload.window.scheduledEnd',
          }),
          conflictField: 'payload.window',
        },
      );
    }
    const current = visit.assignedUsers.nodes.map((u) => u.id);
    const changed = current.length !== plan.crew.length || current.some((u) => !plan.crew.includes(u));
    if (changed) {
      await jobberMutate(
        ctx,
        'FieldsyncAppointmentEditAssignment',
        `mutation FieldsyncAppointmentEditAssignment($appointmentId: EncodedId!, $input: AppointmentEditAssignmentInput!) {
          appointmentEditAssignment(appointmentId: $appointmentId, input: $input) { appointment { id } userErrors { message path } }
        }`,
        { appointmentId, input: { assignedUserIds: plan.crew } },
        'appointmentEditAssignment',
        {
          fieldOf: commandFields({
            appointmentId: 'payload.appointmentId',
            'input.assignedUserIds': 'payload.technicians.technicianIds',
            'input.assignedUserIds.*': (i) => {
              const index = plan.commandIndex.get(plan.crew[i[0] ?? -1] ?? '');
              return index === undefined
                ? 'payload.technicians.technicianIds'
                : `payload.technicians.technicianIds[${index}]`;
            },
          }),
          conflictField: 'payload.technicians.technicianIds',
        },
      );
    }
    const read = await readJob(ctx, plan.read.job.id);
    const after = read.visits.find((v) => v.id === appointmentId);
    if (!after)
      throw new VendorWriteError('not_found', 'the visit is gone after the dispatch', {
        field: 'payload.appointmentId',
      });
    const id = ids(ctx);
    return {
      records: read.records,
      result: {
        jobId: id.of('job', read.job.id),
        appointmentId: id.of('appointment', after.id),
        technicianIds: [...new Set(after.assignedUsers.nodes.map((u) => id.of('technician', u.id)))].sort(),
        scheduledStart: after.startAt === null ? null : normalizeTimestamp(after.startAt),
        scheduledEnd: after.endAt === null ? null : normalizeTimestamp(after.endAt),
      },
    };
  },

  async bookings(ctx, command) {
    const plan = await planDispatch(ctx, command);
    const window =
      plan.window ??
      (plan.visit.startAt !== null && plan.visit.endAt !== null
        ? { startAt: plan.visit.startAt, endAt: plan.visit.endAt }
        : undefined);
    if (window === undefined) return [];
    return bookingsIn(ctx, window, plan.crew, plan.visit.id);
  },
};

// ------------------------------------------------------------------ job.status.update

const jobStatusUpdate: Handler<'job.status.update'> = {
  // Naturally idempotent: closing a closed job is not sent again.
  async execute(ctx, command) {
    const p = command.payload;
    if (p.status !== 'completed') {
      throw new VendorWriteError(
        'unsupported',
        `Jobber's API cannot set a job to ${p.status}: it only closes jobs (jobClose)`,
        { field: 'payload.status' },
      );
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    let read = await readJob(ctx, job.externalId);
    if (read.job.completedAt === null) {
      await jobberMutate(
        ctx,
        'FieldsyncJobClose',
        `mutation FieldsyncJobClose($jobId: EncodedId!) {
          jobClose(jobId: $jobId) { job { id } userErrors { message path } }
        }`,
        { jobId: job.externalId },
        'jobClose',
        { fieldOf: commandFields({ jobId: 'payload.jobId' }) },
      );
      read = await readJob(ctx, job.externalId);
    }
    const [primary] = read.records;
    const canonical = jobberMapper.toCanonical(primary as WriteRecord, ctx) as { status: string };
    return {
      records: read.records,
      result: {
        jobId: ids(ctx).of('job', read.job.id),
        status: canonical.status,
        vendorStatus: read.job.jobStatus,
      },
    };
  },
};

// ------------------------------------------------------------------ quotes

function quoteTotalsInput(p: CommandOf<'quote.create'>['payload']): CommandTotalsInput {
  return { currency: p.currency, lineItems: p.lineItems, ...(p.taxes ? { taxes: p.taxes } : {}) };
}

async function quoteOutcome(
  ctx: WriteContext,
  command: CommandOf<'quote.create'>,
  quoteId: string,
): Promise<Outcome<'quote.create'>> {
  const { quote, record } = await readQuote(ctx, quoteId);
  assertTotals('quote', quote.quoteNumber, quoteTotalsInput(command.payload), quote.amounts);
  return {
    records: [record],
    result: {
      estimateId: ids(ctx).of('estimate', quote.id),
      number: quote.quoteNumber,
      currency: JOBBER_CURRENCY,
      total: money(quote.amounts.total),
    },
  };
}

const quoteCreate: Handler<'quote.create'> = {
  async find(ctx, command) {
    const nodes = await updatedSince(ctx, 'quotes', 'QuoteFilterAttributes', ['id', 'title'], since(ctx));
    const match = nodes.find((n) => findMarker(text(n['title'])) === ctx.marker);
    return match ? quoteOutcome(ctx, command, match['id'] as string) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    if (p.jobId === undefined) {
      throw new VendorWriteError('validation_failed', 'Jobber makes a quote on a job: give payload.jobId', {
        field: 'payload.jobId',
      });
    }
    assertNoDiscounts(p.discount ? [p.discount] : undefined, 'payload.discount');
    if (p.taxes?.some((t) => t.ratePercent > 0)) {
      throw new VendorWriteError(
        'unsupported',
        "Jobber's quoteCreate takes no taxes (the property's tax rate applies)",
        {
          field: 'payload.taxes',
        },
      );
    }
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const owner = (job.document as { customerId?: string }).customerId;
    if (owner !== undefined && owner !== p.customerId) {
      throw new VendorWriteError('validation_failed', 'the job belongs to another customer', {
        field: 'payload.jobId',
      });
    }
    const payload = await jobberMutate(
      ctx,
      'FieldsyncQuoteCreate',
      `mutation FieldsyncQuoteCreate($attributes: QuoteCreateAttributes!) {
        quoteCreate(attributes: $attributes) { quote { id } userErrors { message path } }
      }`,
      {
        attributes: {
          jobId: job.externalId,
          title: withMarker(p.title ?? null, ctx.marker),
          lineItems: await jobberLines(ctx, p.lineItems),
        },
      },
      'quoteCreate',
      { fieldOf: commandFields({ 'attributes.jobId': 'payload.jobId', ...lineFields('attributes') }) },
    );
    return quoteOutcome(ctx, command, createdId(payload, 'quote', 'quoteCreate'));
  },
};

async function convertOutcome(
  ctx: WriteContext,
  quoteId: string,
  jobId: string,
): Promise<Outcome<'quote.convert'>> {
  const job = await readJob(ctx, jobId);
  const { record } = await readQuote(ctx, quoteId);
  const id = ids(ctx);
  return {
    records: [...job.records, record],
    result: { estimateId: id.of('estimate', quoteId), jobId: id.of('job', jobId) },
  };
}

const quoteConvert: Handler<'quote.convert'> = {
  // The quote's converted job: a job linked to the quote that carries the command's marker.
  async find(ctx, command) {
    const quote = await ctx.resolve(command.payload.estimateId, 'payload.estimateId');
    const jobId = await jobWithMarker(ctx, quote.externalId);
    return jobId === undefined ? null : convertOutcome(ctx, quote.externalId, jobId);
  },

  async execute(ctx, command) {
    const p = command.payload;
    if (p.optionExternalId !== undefined) {
      throw new VendorWriteError('unsupported', 'Jobber quotes have no options to choose from', {
        field: 'payload.optionExternalId',
      });
    }
    if (p.technicianIds?.length && p.appointment === undefined) {
      throw new VendorWriteError('validation_failed', 'technicianIds need an appointment window', {
        field: 'payload.appointment',
      });
    }
    const resolved = await ctx.resolve(p.estimateId, 'payload.estimateId');
    const quote = (await readNode(ctx, 'quote', resolved.externalId, [
      'id',
      'title',
      { name: 'property', fields: ['id'] },
    ])) as { title?: string | null; property?: { id?: string } | null } | null;
    const propertyId = quote?.property?.id;
    if (typeof propertyId !== 'string') {
      throw new VendorWriteError('not_found', 'the quote is gone or has no property', {
        field: 'payload.estimateId',
      });
    }
    const input: Record<string, unknown> = {
      propertyId,
      quoteId: resolved.externalId,
      instructions: withMarker(null, ctx.marker),
      // The job takes the quote's title, without the quote command's marker (it is not this command's).
      ...(quote?.title ? { title: quote.title.replace(MARKER_PATTERN, '').trim() } : {}),
    };
    const schedule = await scheduling(ctx, p.appointment, p.technicianIds);
    if (schedule) input['scheduling'] = schedule;
    const jobId = await createJob(ctx, input, 'payload.technicianIds');
    return convertOutcome(ctx, resolved.externalId, jobId);
  },

  async bookings(ctx, command) {
    const p = command.payload;
    if (p.appointment === undefined || !p.technicianIds?.length) return [];
    const users = await resolveTechnicians(ctx, p.technicianIds, 'payload.technicianIds');
    return bookingsIn(ctx, windowOf(p.appointment), users, undefined);
  },
};

// ------------------------------------------------------------------ invoice.create

function invoiceTotalsInput(p: CommandOf<'invoice.create'>['payload']): CommandTotalsInput {
  return { currency: p.currency, lineItems: p.lineItems, ...(p.taxes ? { taxes: p.taxes } : {}) };
}

async function invoiceOutcome(
  ctx: WriteContext,
  command: CommandOf<'invoice.create'>,
  invoiceId: string,
): Promise<Outcome<'invoice.create'>> {
  const { invoice, record } = await readInvoice(ctx, invoiceId);
  assertTotals('invoice', invoice.invoiceNumber, invoiceTotalsInput(command.payload), invoice.amounts);
  return {
    records: [record],
    result: {
      invoiceId: ids(ctx).of('invoice', invoice.id),
      number: invoice.invoiceNumber,
      currency: JOBBER_CURRENCY,
      total: money(invoice.amounts.total),
      balance: money(invoice.amounts.invoiceBalance),
    },
  };
}

/** Name, quantity and unit price of each line: an invoice's natural key on its job. */
const lineKey = (lines: readonly { name: string; quantity: number; unitPrice: number }[]): string =>
  JSON.stringify(
    lines.map((l) => [norm(l.name), l.quantity, Money.parse(l.unitPrice, JOBBER_CURRENCY).amountMinor]),
  );

/** The days from today (the account's invoice date) to the command's due date. */
function dueInDays(ctx: WriteContext, dueDate: string | undefined): number | undefined {
  if (dueDate === undefined) return undefined;
  const today = Date.parse(ctx.now().toISOString().slice(0, 10));
  const days = Math.round((Date.parse(dueDate) - today) / DAY_MS);
  if (days < 0) {
    throw new VendorWriteError('validation_failed', 'the due date is in the past', {
      field: 'payload.dueDate',
    });
  }
  return days;
}

const invoiceCreate: Handler<'invoice.create'> = {
  /*
   * The job's invoices: the one whose subject carries the marker. Where the subject is not kept (the
   * sandbox prints every invoice "For Services Rendered"), the natural key: created since the first
   * attempt, with the command's lines, and no other command's marker.
   */
  async find(ctx, command) {
    const p = command.payload;
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    const node = await readNode(ctx, 'job', job.externalId, [
      {
        name: 'invoices',
        first: 20,
        nodes: [
          'id',
          'subject',
          'createdAt',
          { name: 'lineItems', first: 20, nodes: ['name', 'quantity', 'unitPrice'] },
        ],
      },
    ]);
    const invoices = ((node?.['invoices'] as { nodes?: unknown[] } | undefined)?.nodes ?? []) as {
      id: string;
      subject: string | null;
      createdAt: string;
      lineItems: { nodes: { name: string; quantity: number; unitPrice: number }[] };
    }[];
    const wanted = lineKey(
      p.lineItems.map((l) => ({
        name: l.name ?? l.description,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
    );
    const match =
      invoices.find((i) => findMarker(i.subject) === ctx.marker) ??
      invoices.find(
        (i) =>
          findMarker(i.subject) === undefined &&
          Date.parse(i.createdAt) >= since(ctx).getTime() &&
          lineKey(i.lineItems.nodes) === wanted,
      );
    return match ? invoiceOutcome(ctx, command, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    assertNoDiscounts(p.discounts, 'payload.discounts');
    const job = await ctx.resolve(p.jobId, 'payload.jobId');
    if (p.taxes?.length) {
      // Jobber taxes an invoice at its property's rate: a command stating another rate is refused up front.
      const node = await readNode(ctx, 'job', job.externalId, [
        { name: 'property', fields: [{ name: 'taxRate', fields: ['tax'] }] },
      ]);
      const rate = (node?.['property'] as { taxRate?: { tax?: number } | null } | null)?.taxRate?.tax ?? 0;
      const stated = p.taxes.reduce((sum, t) => sum + t.ratePercent, 0);
      if (Math.abs(stated - rate) > 1e-9) {
        throw new VendorWriteError(
          'vendor_rejected',
          `Jobber taxes this job's property at ${rate}%; the command states ${stated}%`,
          { field: 'payload.taxes' },
        );
      }
    }
    const attributes: Record<string, unknown> = {
      jobId: job.externalId,
      subject: withMarker(p.memo ?? null, ctx.marker),
      lineItems: await jobberLines(ctx, p.lineItems),
    };
    const due = dueInDays(ctx, p.dueDate);
    if (due !== undefined) attributes['dueInDays'] = due;
    const payload = await jobberMutate(
      ctx,
      'FieldsyncInvoiceCreate',
      `mutation FieldsyncInvoiceCreate($attributes: InvoiceCreateAttributes!) {
        invoiceCreate(attributes: $attributes) { invoice { id } userErrors { message path } }
      }`,
      { attributes },
      'invoiceCreate',
      {
        fieldOf: commandFields({
          'attributes.jobId': 'payload.jobId',
          'attributes.dueInDays': 'payload.dueDate',
          ...lineFields('attributes'),
        }),
      },
    );
    return invoiceOutcome(ctx, command, createdId(payload, 'invoice', 'invoiceCreate'));
  },
};

// ------------------------------------------------------------------ payment.record

const PAYMENT_TYPE: Readonly<Record<PaymentMethod, string>> = {
  cash: 'CASH',
  check: 'CHEQUE',
  card: 'CREDIT_CARD',
  ach: 'BANK_TRANSFER',
  other: 'OTHER',
};

/** The payment's details: the memo and references Jobber has no field for, then the marker. */
function paymentDetails(p: CommandOf<'payment.record'>['payload'], marker: string): string {
  const parts = [
    p.memo,
    p.externalTransactionId === undefined ? undefined : `Ref ${p.externalTransactionId}`,
    p.checkNumber === undefined ? undefined : `Check #${p.checkNumber}`,
    p.cardLast4 === undefined ? undefined : `${p.cardBrand ?? 'Card'} ending ${p.cardLast4}`,
    p.processor === undefined ? undefined : `via ${p.processor}`,
  ].filter((s): s is string => s !== undefined && s !== '');
  return withMarker(parts.join(' · '), marker);
}

async function paymentOutcome(ctx: WriteContext, paymentId: string): Promise<Outcome<'payment.record'>> {
  const { payment, record } = await readPayment(ctx, paymentId);
  if (payment.invoice === null)
    throw new VendorWriteError('vendor_rejected', 'Jobber recorded the payment on no invoice');
  const { invoice, record: invoiceRecord } = await readInvoice(ctx, payment.invoice.id);
  const id = ids(ctx);
  return {
    records: [record, invoiceRecord],
    result: {
      paymentId: id.of('payment', payment.id),
      invoiceId: id.of('invoice', invoice.id),
      // Jobber lists recorded payments only: one that is listed is captured (as the mapper says).
      status: 'captured',
      currency: JOBBER_CURRENCY,
      amountApplied: money(payment.amount),
      balanceRemaining: money(invoice.amounts.invoiceBalance),
    },
  };
}

const paymentRecord: Handler<'payment.record'> = {
  async find(ctx, command) {
    const invoice = await ctx.resolve(command.payload.invoiceId, 'payload.invoiceId');
    const node = await readNode(ctx, 'invoice', invoice.externalId, [
      { name: 'paymentRecords', first: 50, nodes: ['id', 'details'] },
    ]);
    const payments = ((node?.['paymentRecords'] as { nodes?: unknown[] } | undefined)?.nodes ?? []) as Pick<
      JobberPaymentRecord,
      'id' | 'details'
    >[];
    const match = payments.find((r) => findMarker(r.details) === ctx.marker);
    return match ? paymentOutcome(ctx, match.id) : null;
  },

  async execute(ctx, command) {
    const p = command.payload;
    assertCurrency(p.currency);
    const invoice = await ctx.resolve(p.invoiceId, 'payload.invoiceId');
    const attributes: Record<string, unknown> = {
      invoiceId: invoice.externalId,
      amount: p.amount,
      paymentType: PAYMENT_TYPE[p.method],
      details: paymentDetails(p, ctx.marker),
    };
    if (p.collectedAt !== undefined) attributes['entryDate'] = p.collectedAt;
    if (p.tipAmount !== undefined) attributes['tipAmount'] = p.tipAmount;
    const payload = await jobberMutate(
      ctx,
      'FieldsyncPaymentRecordCreate',
      `mutation FieldsyncPaymentRecordCreate($attributes: PaymentRecordCreateAttributes!) {
        paymentRecordCreate(attributes: $attributes) { paymentRecord { id } userErrors { message path } }
      }`,
      { attributes },
      'paymentRecordCreate',
      {
        fieldOf: commandFields({
          'attributes.invoiceId': 'payload.invoiceId',
          'attributes.amount': 'payload.amount',
          'attributes.paymentType': 'payload.method',
          'attributes.entryDate': 'payload.collectedAt',
          'attributes.tipAmount': 'payload.tipAmount',
          // The balance rule is reported on the whole input: it concerns the amount.
          attributes: 'payload.amount',
        }),
      },
    );
    return paymentOutcome(ctx, createdId(payload, 'paymentRecord', 'paymentRecordCreate'));
  },
};

/** What the writer drives for a Jobber connection. */
export const jobberWriteSide: ConnectorWriteSide = {
  vendor: 'jobber',
  handlers: {
    'client.create': clientCreate,
    'job.create': jobCreate,
    'job.dispatch': jobDispatch,
    'job.status.update': jobStatusUpdate,
    'quote.create': quoteCreate,
    'quote.convert': quoteConvert,
    'invoice.create': invoiceCreate,
    'payment.record': paymentRecord,
  },
};
