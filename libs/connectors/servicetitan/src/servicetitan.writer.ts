import {
  Money,
  canonicalId,
  commandTotals,
  type Address,
  type CommandOf,
  type CommandType,
} from '@fieldsync/canonical-model';
import {
  VendorWriteError,
  findMarker,
  withMarker,
  type Booking,
  type CommandHandler,
  type ConnectorWriteSide,
  type WriteContext,
  type WriteOutcome,
} from '@fieldsync/connector-kit';
import { ServiceTitanClient } from './servicetitan.client';
import {
  appointmentRecords,
  customerRecord,
  customerRecords,
  estimateRecord,
  jobRecords,
  listAll,
  parseRow,
  readAppointments,
  readAssignments,
  readEstimate,
  readInvoice,
  readInvoices,
  readJob,
  readLookup,
  readPayments,
  record,
  type WriteRecord,
} from './servicetitan-write-read.util';
import {
  servicetitanCustomerSchema,
  servicetitanEstimateSchema,
  type ServiceTitanAppointment,
} from './servicetitan.schemas';

/** ServiceTitan's address in a create request. */
interface ServiceTitanAddressBody {
  street: string;
  unit: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
  latitude?: number;
  longitude?: number;
}

/*
 * ServiceTitan's write side: one handler per command type, each through the v2 API with the
 * connection's session. Where ServiceTitan has a place for our marker it carries it (a job's
 * `externalData` under fieldsync's application guid, an estimate's `externalLinks`, an invoice's
 * `exportId` and summary, a payment's memo); a customer has none, so its `find` uses the natural key
 * (name + address, created since the first attempt). Every handler reads back what it wrote.
 */

/** fieldsync's application guid for ServiceTitan `externalData` (constant: every tenant, every release). */
export const FIELDSYNC_APPLICATION_GUID = '6f1c2d4e-8a3b-4c5d-9e7f-a1b2c3d4e5f6';
export const MARKER_KEY = 'fieldsync.marker';
const MARKER_URL = 'https://fieldsync.invalid/m/';
/** How far before the first attempt a search for its effect looks (clock skew between us and the vendor). */
const FIND_SLACK_MS = 2 * 60_000;

type Outcome<T extends CommandType> = WriteOutcome<T>;

const client = new ServiceTitanClient();

async function resolveId(ctx: WriteContext, id: string, field: string): Promise<number> {
  return Number((await ctx.resolve(id, field)).externalId);
}

const since = (ctx: WriteContext): string =>
  new Date(ctx.firstAttemptAt.getTime() - FIND_SLACK_MS).toISOString();

function cid(ctx: WriteContext, entity: Parameters<typeof canonicalId>[1], id: number): string {
  return canonicalId(ctx.connectionId, entity, String(id));
}

/** ServiceTitan's invoice arithmetic: API lines are taxable only when marked; discounts (price-modifier lines) lower the total only. */
const SERVICETITAN_TOTALS = { taxableByDefault: false, discountsLowerTaxBase: false } as const;

/** A ServiceTitan amount (decimal string or number) in minor units of `currency`, half-up. */
const minor = (value: string | number, currency: string): number => Money.parse(value, currency).amountMinor;

/** Minor units as the major-unit number ServiceTitan's API and our results carry. */
const major = (amountMinor: number, currency: string): number =>
  Money.ofMinor(amountMinor, currency).toAmount();

function outcome<T extends CommandType>(records: WriteRecord[], result: Record<string, unknown>): Outcome<T> {
  return { records, result: result };
}

// ------------------------------------------------------------------ client.create

/** Canonical address → ServiceTitan's (US states as two letters, as ServiceTitan keeps them). */
function stAddress(a: Address): ServiceTitanAddressBody {
  return {
    street: a.line1,
    unit: a.line2 ?? null,
    city: a.city ?? '',
    state: (a.region ?? '').toUpperCase(),
    zip: a.postalCode ?? '',
    country: a.country === null || a.country === 'US' ? 'USA' : a.country,
    ...(a.geo ? { latitude: a.geo.lat, longitude: a.geo.lon } : {}),
  };
}

const sameText = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

const CLIENT_FIELDS = {
  name: 'payload.displayName',
  type: 'payload.type',
  address: 'payload.billingAddress',
  locations: 'payload.locations',
  contacts: 'payload.primaryContact',
} as const;

const clientCreate: CommandHandler<'client.create'> = {
  async find(ctx, command) {
    const p = command.payload;
    const address = p.billingAddress ?? p.locations?.[0]?.address;
    const rows = await listAll(client, ctx, 'crm', 'customers', {
      name: p.displayName,
      createdOnOrAfter: since(ctx),
      active: 'Any',
    });
    const match = rows
      .map((raw) => parseRow(servicetitanCustomerSchema, raw, 'customer'))
      .find(
        (c) =>
          sameText(c.name, p.displayName) &&
          (address === undefined ||
            (sameText(c.address.street, address.line1) &&
              sameText(c.address.zip, address.postalCode) &&
              sameText(c.address.city, address.city))),
      );
    return match ? readBackCustomer(ctx, match.id) : null;
  },
  async execute(ctx, command) {
    const p = command.payload;
    const billing = p.billingAddress ?? p.locations?.[0]?.address;
    if (billing === undefined) {
      throw new VendorWriteError('validation_failed', 'ServiceTitan needs an address for a customer', {
        field: 'payload.billingAddress',
      });
    }
    const contact = p.primaryContact;
    const contacts = [
      ...(contact?.email ? [{ type: 'Email', value: contact.email, memo: contact.name }] : []),
      ...(contact?.phone ? [{ type: 'Phone', value: contact.phone, memo: contact.name }] : []),
    ];
    const locations = (p.locations?.length ? p.locations : [{ address: billing }]).map((l) => ({
      name: ('name' in l && l.name) || p.displayName,
      address: stAddress(l.address),
    }));
    const created = (await client.post(
      ctx,
      'crm',
      'customers',
      {
        name: p.displayName,
        type: p.type === 'commercial' ? 'Commercial' : 'Residential',
        doNotMail: p.marketingOptIn === undefined ? false : !p.marketingOptIn,
        address: stAddress(billing),
        locations,
        contacts,
      },
      CLIENT_FIELDS,
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST customers: the answer has no id');
    return readBackCustomer(ctx, created.id);
  },
};

async function readBackCustomer(ctx: WriteContext, id: number): Promise<Outcome<'client.create'>> {
  const { records, locationIds } = await customerRecords(client, ctx, id);
  return outcome(records, {
    customerId: cid(ctx, 'customer', id),
    locationIds: locationIds.map((l) => cid(ctx, 'location', l)),
  });
}

// ------------------------------------------------------------------ job.create

/** A named setting (business unit, job type, campaign, reason), by name or the first active one. */
async function pick(
  ctx: WriteContext,
  module: string,
  resource: string,
  name: string | undefined,
  field: string,
  prefer?: (row: { id: number; businessUnitIds?: number[] | null | undefined }) => boolean,
): Promise<number> {
  const rows = await readLookup(client, ctx, module, resource);
  if (name !== undefined) {
    const found = rows.find((r) => sameText(r.name, name));
    if (!found) {
      throw new VendorWriteError(
        'validation_failed',
        `ServiceTitan has no active ${resource} named "${name}"`,
        { field },
      );
    }
    return found.id;
  }
  const first = (prefer ? rows.find(prefer) : undefined) ?? rows[0];
  if (!first)
    throw new VendorWriteError('vendor_rejected', `ServiceTitan has no active ${resource}`, { field });
  return first.id;
}

type Window = NonNullable<CommandOf<'job.create'>['payload']['appointment']>;

function windowOf(w: Window): {
  start: string;
  end: string;
  arrivalWindowStart?: string;
  arrivalWindowEnd?: string;
} {
  const start = new Date(w.scheduledStart);
  const end = w.scheduledEnd
    ? new Date(w.scheduledEnd)
    : new Date(start.getTime() + (w.durationMinutes ?? 0) * 60_000);
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    ...(w.arrivalWindowStart && w.arrivalWindowEnd
      ? {
          arrivalWindowStart: new Date(w.arrivalWindowStart).toISOString(),
          arrivalWindowEnd: new Date(w.arrivalWindowEnd).toISOString(),
        }
      : {}),
  };
}

const JOB_FIELDS = {
  customerId: 'payload.customerId',
  locationId: 'payload.locationId',
  businessUnitId: 'payload.businessUnit',
  jobTypeId: 'payload.jobType',
  campaignId: 'payload.source',
  priority: 'payload.priority',
  summary: 'payload.title',
  'appointments.technicianIds': 'payload.technicianIds',
  appointments: 'payload.appointment',
  technicianIds: 'payload.technicianIds',
} as const;

const PRIORITY = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' } as const;

const jobCreate: CommandHandler<'job.create'> = {
  async find(ctx, command) {
    const customerId = await resolveId(ctx, command.payload.customerId, 'payload.customerId');
    const rows = await listAll(client, ctx, 'jpm', 'jobs', {
      customerId: String(customerId),
      createdOnOrAfter: since(ctx),
      externalDataApplicationGuid: FIELDSYNC_APPLICATION_GUID,
    });
    const match = rows.find((raw) =>
      ((raw as { externalData?: { key: string; value: string }[] | null }).externalData ?? []).some(
        (e) => e.key === MARKER_KEY && e.value === ctx.marker,
      ),
    );
    return match ? readBackJob(ctx, (match as { id: number }).id) : null;
  },
  async execute(ctx, command) {
    const p = command.payload;
    const customerId = await resolveId(ctx, p.customerId, 'payload.customerId');
    const locationId = await locationFor(ctx, customerId, p);
    if (p.appointment === undefined) {
      throw new VendorWriteError('validation_failed', 'ServiceTitan books a job with its first appointment', {
        field: 'payload.appointment',
      });
    }
    const technicianIds: number[] = [];
    for (const [i, t] of (p.technicianIds ?? []).entries()) {
      technicianIds.push(await resolveId(ctx, t, `payload.technicianIds[${i}]`));
    }
    const businessUnitId = await pick(
      ctx,
      'settings',
      'business-units',
      p.businessUnit,
      'payload.businessUnit',
    );
    const jobTypeId = await pick(ctx, 'jpm', 'job-types', p.jobType, 'payload.jobType', (t) =>
      (t.businessUnitIds ?? []).includes(businessUnitId),
    );
    const campaignId = await pick(ctx, 'marketing', 'campaigns', p.source, 'payload.source');
    const summary = p.description ? `${p.title}\n\n${p.description}` : p.title;
    const created = (await client.post(
      ctx,
      'jpm',
      'jobs',
      {
        customerId,
        locationId,
        businessUnitId,
        jobTypeId,
        campaignId,
        priority: PRIORITY[p.priority ?? 'normal'],
        summary,
        appointments: [{ ...windowOf(p.appointment), technicianIds }],
        externalData: {
          applicationGuid: FIELDSYNC_APPLICATION_GUID,
          externalData: [{ key: MARKER_KEY, value: ctx.marker }],
        },
      },
      JOB_FIELDS,
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST jobs: the answer has no id');
    return readBackJob(ctx, created.id);
  },
  async bookings(ctx, command) {
    const p = command.payload;
    if (!p.appointment || !p.technicianIds?.length) return [];
    const ids = await Promise.all(
      p.technicianIds.map(async (t, i) => ({
        canonical: t,
        id: await resolveId(ctx, t, `payload.technicianIds[${i}]`),
      })),
    );
    return bookingsOf(ctx, ids, windowOf(p.appointment), undefined);
  },
};

async function locationFor(
  ctx: WriteContext,
  customerId: number,
  p: CommandOf<'job.create'>['payload'],
): Promise<number> {
  if (p.locationId !== undefined) return resolveId(ctx, p.locationId, 'payload.locationId');
  const address = p.serviceAddress;
  const rows = (await listAll(client, ctx, 'crm', 'locations', { customerId: String(customerId) })) as {
    id: number;
    address: { street: string | null; zip: string | null };
  }[];
  const found = rows.find(
    (l) =>
      address && sameText(l.address.street, address.line1) && sameText(l.address.zip, address.postalCode),
  );
  if (!found) {
    throw new VendorWriteError(
      'validation_failed',
      "ServiceTitan books a job at one of the customer's locations; none has this service address",
      { field: 'payload.serviceAddress' },
    );
  }
  return found.id;
}

async function readBackJob(ctx: WriteContext, jobId: number): Promise<Outcome<'job.create'>> {
  const { job, appointments, records } = await jobRecords(client, ctx, jobId);
  const first = appointments[0];
  return outcome(records, {
    jobId: cid(ctx, 'job', job.id),
    appointmentId: first ? cid(ctx, 'appointment', first.id) : null,
    number: job.jobNumber,
  });
}

/** The technicians' live appointments overlapping the window, other than `own`, read fresh. */
async function bookingsOf(
  ctx: WriteContext,
  technicians: readonly { canonical: string; id: number }[],
  window: { start: string; end: string },
  own: number | undefined,
): Promise<Booking[]> {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  const out: Booking[] = [];
  for (const t of technicians) {
    // Appointments last at most 14 days: one starting earlier cannot reach the window.
    const appointments = await readAppointments(client, ctx, {
      technicianId: String(t.id),
      startsOnOrAfter: new Date(start - 14 * 86_400_000).toISOString(),
      startsBefore: new Date(end).toISOString(),
    });
    for (const a of appointments) {
      if (a.id === own || a.status === 'Canceled') continue;
      if (Date.parse(a.start) < end && Date.parse(a.end) > start) {
        out.push({
          technicianId: t.canonical,
          appointmentId: cid(ctx, 'appointment', a.id),
          start: a.start,
          end: a.end,
        });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ job.dispatch

const DISPATCH_FIELDS = {
  technicianIds: 'payload.technicians.technicianIds',
  jobAppointmentId: 'payload.appointmentId',
  start: 'payload.window',
  end: 'payload.window',
  arrivalWindowStart: 'payload.window.arrivalWindowStart',
} as const;

const OPEN = (a: ServiceTitanAppointment): boolean => a.status !== 'Done' && a.status !== 'Canceled';

/** The appointment a dispatch is about: the one named, else the job's only open one, else its next. */
async function dispatchTarget(
  ctx: WriteContext,
  command: CommandOf<'job.dispatch'>,
): Promise<{ jobId: number; appointment: ServiceTitanAppointment }> {
  const p = command.payload;
  const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
  const appointments = await readAppointments(client, ctx, { jobId: String(jobId) });
  if (p.appointmentId !== undefined) {
    const id = await resolveId(ctx, p.appointmentId, 'payload.appointmentId');
    const found = appointments.find((a) => a.id === id);
    if (!found) {
      throw new VendorWriteError('not_found', `ServiceTitan job ${jobId} has no appointment ${id}`, {
        field: 'payload.appointmentId',
      });
    }
    return { jobId, appointment: found };
  }
  const open = appointments.filter(OPEN).sort((a, b) => a.start.localeCompare(b.start) || a.id - b.id);
  const now = ctx.now().toISOString();
  const chosen = open.length === 1 ? open[0] : (open.find((a) => a.end >= now) ?? open[open.length - 1]);
  if (!chosen) {
    throw new VendorWriteError('not_found', `ServiceTitan job ${jobId} has no open appointment`, {
      field: 'payload.appointmentId',
    });
  }
  return { jobId, appointment: chosen };
}

async function technicianIdsOf(
  ctx: WriteContext,
  ids: readonly string[],
): Promise<{ canonical: string; id: number }[]> {
  const out: { canonical: string; id: number }[] = [];
  for (const [i, t] of ids.entries()) {
    out.push({ canonical: t, id: await resolveId(ctx, t, `payload.technicians.technicianIds[${i}]`) });
  }
  return out;
}

const jobDispatch: CommandHandler<'job.dispatch'> = {
  async execute(ctx, command) {
    const p = command.payload;
    const { jobId, appointment } = await dispatchTarget(ctx, command);
    const current = new Set(
      (await readAssignments(client, ctx, [appointment.id])).map((a) => a.technicianId),
    );
    const wanted = p.technicians
      ? (await technicianIdsOf(ctx, p.technicians.technicianIds)).map((t) => t.id)
      : [];
    let assign: number[] = [];
    let unassign: number[] = [];
    if (p.technicians?.mode === 'assign') assign = wanted.filter((t) => !current.has(t));
    if (p.technicians?.mode === 'unassign') unassign = wanted.filter((t) => current.has(t));
    if (p.technicians?.mode === 'replace') {
      unassign = [...current].filter((t) => !wanted.includes(t));
      assign = wanted.filter((t) => !current.has(t));
    }
    // Free the removed technicians first, then move the window, then book the new ones into it.
    if (unassign.length) {
      await client.post(
        ctx,
        'dispatch',
        'appointment-assignments/unassign-technicians',
        { jobAppointmentId: appointment.id, technicianIds: unassign },
        DISPATCH_FIELDS,
      );
    }
    if (p.window) {
      await client.patch(
        ctx,
        'jpm',
        `appointments/${appointment.id}/reschedule`,
        windowOf(p.window),
        DISPATCH_FIELDS,
      );
    }
    if (assign.length) {
      await client.post(
        ctx,
        'dispatch',
        'appointment-assignments/assign-technicians',
        { jobAppointmentId: appointment.id, technicianIds: assign },
        DISPATCH_FIELDS,
      );
    }
    const job = await readJob(client, ctx, jobId);
    const [after] = await readAppointments(client, ctx, { ids: String(appointment.id) });
    if (!after) throw new Error(`ServiceTitan appointment ${appointment.id}: gone after the dispatch`);
    const appointmentRecord = (await appointmentRecords(client, ctx, [after]))[0] as WriteRecord;
    const assignments = (appointmentRecord.raw as { assignments: { technicianId: number }[] }).assignments;
    return outcome([appointmentRecord, record('job', job.id, job)], {
      jobId: cid(ctx, 'job', job.id),
      appointmentId: cid(ctx, 'appointment', after.id),
      technicianIds: assignments.map((a) => cid(ctx, 'technician', a.technicianId)),
      scheduledStart: after.start,
      scheduledEnd: after.end,
    });
  },
  async bookings(ctx, command) {
    const p = command.payload;
    const { appointment } = await dispatchTarget(ctx, command);
    const window = p.window ? windowOf(p.window) : { start: appointment.start, end: appointment.end };
    const current = await readAssignments(client, ctx, [appointment.id]);
    const named = p.technicians ? await technicianIdsOf(ctx, p.technicians.technicianIds) : [];
    const mode = p.technicians?.mode;
    const kept = current
      .filter(
        (a) => mode !== 'replace' && !(mode === 'unassign' && named.some((n) => n.id === a.technicianId)),
      )
      .map((a) => ({ canonical: cid(ctx, 'technician', a.technicianId), id: a.technicianId }));
    const added = mode === 'unassign' ? [] : named;
    const crew = [...kept, ...added.filter((t) => !kept.some((k) => k.id === t.id))];
    return bookingsOf(ctx, crew, window, appointment.id);
  },
};

// ------------------------------------------------------------------ job.status.update

const STATUS_TARGET = { completed: 'Completed', on_hold: 'Hold', canceled: 'Canceled' } as const;

const jobStatusUpdate: CommandHandler<'job.status.update'> = {
  async execute(ctx, command) {
    const p = command.payload;
    if (p.status !== 'completed' && p.status !== 'on_hold' && p.status !== 'canceled') {
      throw new VendorWriteError(
        'unsupported',
        `ServiceTitan sets ${p.status} from the technician's mobile app; its API has no call for it`,
        { field: 'payload.status' },
      );
    }
    const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
    const before = await readJob(client, ctx, jobId);
    const target = STATUS_TARGET[p.status];
    // Setting a status is naturally idempotent: a redelivered command finds it done and writes nothing.
    if (before.jobStatus !== target) {
      const fields = {
        jobStatus: 'payload.status',
        status: 'payload.status',
        reasonId: 'payload.reason',
        memo: 'payload.note',
      };
      if (p.status === 'completed') {
        await client.put(
          ctx,
          'jpm',
          `jobs/${jobId}/complete`,
          { completedOn: p.occurredAt ?? ctx.now().toISOString() },
          fields,
        );
      } else {
        const resource = p.status === 'on_hold' ? 'job-hold-reasons' : 'job-cancel-reasons';
        const reasons = await readLookup(client, ctx, 'jpm', resource);
        const reason = reasons.find((r) => sameText(r.name, p.reason)) ?? reasons[0];
        if (!reason)
          throw new VendorWriteError('vendor_rejected', `ServiceTitan has no active ${resource}`, {
            field: 'payload.reason',
          });
        const memo = [p.reason, p.note].filter((s) => s !== undefined && s !== '').join('\n');
        await client.put(
          ctx,
          'jpm',
          `jobs/${jobId}/${p.status === 'on_hold' ? 'hold' : 'cancel'}`,
          { reasonId: reason.id, memo },
          fields,
        );
      }
    }
    const { job, records } = await jobRecords(client, ctx, jobId);
    return outcome(records, {
      jobId: cid(ctx, 'job', job.id),
      status: p.status,
      vendorStatus: job.jobStatus,
    });
  },
};

// ------------------------------------------------------------------ quote.create / quote.convert

const markerUrl = (marker: string): string => `${MARKER_URL}${marker}`;

function hasMarkerLink(links: readonly unknown[], marker: string): boolean {
  return links.some(
    (l) => typeof l === 'object' && l !== null && (l as { url?: unknown }).url === markerUrl(marker),
  );
}

async function lineSkus(
  ctx: WriteContext,
  lines: CommandOf<'quote.create'>['payload']['lineItems'],
): Promise<(number | undefined)[]> {
  const out: (number | undefined)[] = [];
  for (const [i, line] of lines.entries()) {
    out.push(
      line.pricebookItemId === undefined
        ? undefined
        : await resolveId(ctx, line.pricebookItemId, `payload.lineItems[${i}].pricebookItemId`),
    );
  }
  return out;
}

const quoteCreate: CommandHandler<'quote.create'> = {
  async find(ctx, command) {
    if (command.payload.jobId === undefined) return null;
    const jobId = await resolveId(ctx, command.payload.jobId, 'payload.jobId');
    const rows = await listAll(client, ctx, 'sales', 'estimates', { jobId: String(jobId), active: 'Any' });
    const match = rows
      .map((raw) => parseRow(servicetitanEstimateSchema, raw, 'estimate'))
      .find((e) => hasMarkerLink(e.externalLinks, ctx.marker));
    return match ? readBackEstimate(ctx, match.id, command.payload.currency) : null;
  },
  async execute(ctx, command) {
    const p = command.payload;
    if (p.jobId === undefined) {
      throw new VendorWriteError(
        'validation_failed',
        'ServiceTitan estimates belong to a job: jobId is required',
        {
          field: 'payload.jobId',
        },
      );
    }
    if (p.discount !== undefined) {
      throw new VendorWriteError(
        'unsupported',
        'ServiceTitan estimates created through the API take no discount',
        {
          field: 'payload.discount',
        },
      );
    }
    const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
    const skus = await lineSkus(ctx, p.lineItems);
    const totals = commandTotals(
      { currency: p.currency, lineItems: p.lineItems, ...(p.taxes ? { taxes: p.taxes } : {}) },
      SERVICETITAN_TOTALS,
    );
    const created = (await client.post(
      ctx,
      'sales',
      'estimates',
      {
        jobId,
        name: p.title ?? null,
        summary: p.notes ?? p.title ?? null,
        tax: major(totals.tax, p.currency),
        items: p.lineItems.map((line, i) => ({
          ...(skus[i] !== undefined ? { skuId: skus[i] } : {}),
          ...(line.sku !== undefined ? { skuName: line.sku } : {}),
          description: line.description || line.name || '',
          quantity: line.quantity,
          unitPrice: line.unitPrice,
        })),
        externalLinks: [{ name: 'fieldsync', url: markerUrl(ctx.marker) }],
      },
      {
        jobId: 'payload.jobId',
        items: 'payload.lineItems',
        'items.skuId': 'payload.lineItems',
        name: 'payload.title',
        summary: 'payload.notes',
      },
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST estimates: the answer has no id');
    return readBackEstimate(ctx, created.id, p.currency);
  },
};

async function readBackEstimate(
  ctx: WriteContext,
  id: number,
  currency: CommandOf<'quote.create'>['payload']['currency'],
): Promise<Outcome<'quote.create'>> {
  const estimate = await readEstimate(client, ctx, id);
  // Estimate amounts are decimal numbers (dollars): sum them in minor units.
  const total = estimate.items.reduce((sum, item) => sum + minor(item.total, currency), 0);
  return outcome([await estimateRecord(client, ctx, estimate)], {
    estimateId: cid(ctx, 'estimate', estimate.id),
    number: null,
    currency,
    total: major(total, currency),
  });
}

const quoteConvert: CommandHandler<'quote.convert'> = {
  async execute(ctx, command) {
    const p = command.payload;
    if (p.appointment !== undefined || p.technicianIds !== undefined) {
      throw new VendorWriteError(
        'unsupported',
        'A ServiceTitan estimate already belongs to a job: schedule it with job.dispatch',
        { field: p.appointment !== undefined ? 'payload.appointment' : 'payload.technicianIds' },
      );
    }
    const id = await resolveId(ctx, p.estimateId, 'payload.estimateId');
    let estimate = await readEstimate(client, ctx, id);
    if (estimate.status.name !== 'Sold') {
      const employees = await readLookup(client, ctx, 'settings', 'employees');
      const soldBy = employees[0]?.id ?? (await readLookup(client, ctx, 'settings', 'technicians'))[0]?.id;
      if (soldBy === undefined)
        throw new VendorWriteError('vendor_rejected', 'ServiceTitan has no active employee to sell as');
      estimate = parseRow(
        servicetitanEstimateSchema,
        await client.put(
          ctx,
          'sales',
          `estimates/${id}/sell`,
          { soldBy },
          { status: 'payload.estimateId', soldBy: 'payload.estimateId' },
        ),
        `estimate ${id}`,
      );
    }
    if (estimate.jobId === null) throw new Error(`ServiceTitan estimate ${id}: sold without a job`);
    return outcome([await estimateRecord(client, ctx, estimate)], {
      estimateId: cid(ctx, 'estimate', estimate.id),
      jobId: cid(ctx, 'job', estimate.jobId),
    });
  },
};

// ------------------------------------------------------------------ invoice.create

const invoiceCreate: CommandHandler<'invoice.create'> = {
  async find(ctx, command) {
    const jobId = await resolveId(ctx, command.payload.jobId, 'payload.jobId');
    const match = (await readInvoices(client, ctx, { jobId: String(jobId) })).find(
      (i) => findMarker(i.summary) === ctx.marker,
    );
    return match ? invoiceOutcome(ctx, command, match.id) : null;
  },
  async execute(ctx, command) {
    const p = command.payload;
    const jobId = await resolveId(ctx, p.jobId, 'payload.jobId');
    const totals = commandTotals(
      {
        currency: p.currency,
        lineItems: p.lineItems,
        ...(p.discounts ? { discounts: p.discounts } : {}),
        ...(p.taxes ? { taxes: p.taxes } : {}),
      },
      SERVICETITAN_TOTALS,
    );
    const skus = await lineSkus(ctx, p.lineItems);
    // ServiceTitan opens each job's invoice at booking; the API adds adjustment invoices to it.
    const [original] = await readInvoices(client, ctx, { jobId: String(jobId) });
    const created = await client.post(
      ctx,
      'accounting',
      'invoices',
      {
        ...(original ? { adjustmentToId: original.id } : { jobId }),
        ...(p.issuedDate ? { invoicedOn: `${p.issuedDate}T00:00:00Z` } : {}),
        subtotal: major(totals.subtotal - totals.discount, p.currency),
        tax: major(totals.tax, p.currency),
        summary: withMarker(p.memo, ctx.marker),
        exportId: ctx.marker,
        items: [
          ...p.lineItems.map((line, i) => ({
            ...(skus[i] !== undefined ? { skuId: skus[i] } : {}),
            ...(line.sku !== undefined ? { skuName: line.sku } : {}),
            description: line.description || line.name || '',
            quantity: line.quantity,
            unitPrice: line.unitPrice,
          })),
          ...(p.discounts ?? []).map((d, i) => ({
            description: d.name ?? (d.type === 'percent' ? `Discount ${d.percent}%` : 'Discount'),
            quantity: 1,
            unitPrice: -major(totals.discounts[i] ?? 0, p.currency),
          })),
        ],
      },
      {
        items: 'payload.lineItems',
        'items.skuId': 'payload.lineItems',
        adjustmentToId: 'payload.jobId',
        jobId: 'payload.jobId',
      },
    );
    if (typeof created !== 'number')
      throw new Error('ServiceTitan POST invoices: the answer is not an invoice id');
    const done = await invoiceOutcome(ctx, command, created);
    const vendorTotal = minor((done.records[0]?.raw as { total: string }).total, p.currency);
    if (vendorTotal !== totals.total) {
      throw new VendorWriteError(
        'vendor_rejected',
        `ServiceTitan invoice ${created}: vendor total ${major(vendorTotal, p.currency)} differs from computed ${major(totals.total, p.currency)}`,
        { field: 'payload.lineItems' },
      );
    }
    return done;
  },
};

async function invoiceOutcome(
  ctx: WriteContext,
  command: CommandOf<'invoice.create'>,
  id: number,
): Promise<Outcome<'invoice.create'>> {
  const invoice = await readInvoice(client, ctx, id);
  const { currency } = command.payload;
  // The invoice raised the customer's balance: the customer is read back too, so the next poll finds nothing new.
  const customer = await customerRecord(client, ctx, invoice.customer.id);
  return outcome([record('invoice', invoice.id, invoice), customer], {
    invoiceId: cid(ctx, 'invoice', invoice.id),
    number: invoice.referenceNumber,
    currency: command.payload.currency,
    total: major(minor(invoice.total, currency), currency),
    balance: major(minor(invoice.balance, currency), currency),
  });
}

// ------------------------------------------------------------------ payment.record

/** Words a tenant's payment type names carry for each canonical method. */
const METHOD_WORDS = {
  card: /card|credit|visa/i,
  ach: /ach|echeck|bank/i,
  cash: /cash/i,
  check: /^check|cheque/i,
} as const;

const paymentRecord: CommandHandler<'payment.record'> = {
  async find(ctx, command) {
    const invoiceId = await resolveId(ctx, command.payload.invoiceId, 'payload.invoiceId');
    const invoice = await readInvoice(client, ctx, invoiceId);
    const match = (
      await readPayments(client, ctx, {
        customerId: String(invoice.customer.id),
        createdOnOrAfter: since(ctx),
      })
    ).find(
      (pay) => findMarker(pay.memo) === ctx.marker && pay.appliedTo.some((a) => a.appliedTo === invoiceId),
    );
    return match ? paymentOutcome(ctx, command, match.id, invoiceId) : null;
  },
  async execute(ctx, command) {
    const p = command.payload;
    if (p.tipAmount !== undefined && p.tipAmount > 0) {
      throw new VendorWriteError(
        'unsupported',
        "ServiceTitan's payment create (PaymentCreateRequest) has no tip",
        {
          field: 'payload.tipAmount',
        },
      );
    }
    const invoiceId = await resolveId(ctx, p.invoiceId, 'payload.invoiceId');
    const types = await readLookup(client, ctx, 'accounting', 'payment-types');
    const type = types.find((t) => METHOD_WORDS[p.method as keyof typeof METHOD_WORDS]?.test(t.name));
    if (!type) {
      throw new VendorWriteError('vendor_rejected', `ServiceTitan has no payment type for ${p.method}`, {
        field: 'payload.method',
      });
    }
    const created = (await client.post(
      ctx,
      'accounting',
      'payments',
      {
        typeId: type.id,
        memo: withMarker(p.memo, ctx.marker),
        ...(p.collectedAt ? { paidOn: p.collectedAt } : {}),
        ...(p.externalTransactionId ? { authCode: p.externalTransactionId } : {}),
        ...(p.checkNumber ? { checkNumber: p.checkNumber } : {}),
        splits: [{ invoiceId, amount: p.amount }],
      },
      {
        typeId: 'payload.method',
        'splits.invoiceId': 'payload.invoiceId',
        'splits.amount': 'payload.amount',
        splits: 'payload.amount',
        memo: 'payload.memo',
      },
    )) as { id?: unknown };
    if (typeof created?.id !== 'number') throw new Error('ServiceTitan POST payments: the answer has no id');
    return paymentOutcome(ctx, command, created.id, invoiceId);
  },
};

async function paymentOutcome(
  ctx: WriteContext,
  command: CommandOf<'payment.record'>,
  id: number,
  invoiceId: number,
): Promise<Outcome<'payment.record'>> {
  const [payment] = await readPayments(client, ctx, { ids: String(id) });
  if (!payment) throw new Error(`ServiceTitan payment ${id}: not in the payments list after the write`);
  const invoice = await readInvoice(client, ctx, invoiceId);
  const { currency } = command.payload;
  const applied = payment.appliedTo
    .filter((a) => a.appliedTo === invoiceId)
    .reduce((sum, a) => sum + minor(a.appliedAmount, currency), 0);
  const customer = await customerRecord(client, ctx, invoice.customer.id);
  return outcome([record('payment', payment.id, payment), record('invoice', invoice.id, invoice), customer], {
    paymentId: cid(ctx, 'payment', payment.id),
    invoiceId: cid(ctx, 'invoice', invoice.id),
    status: payment.syncStatus,
    currency: command.payload.currency,
    amountApplied: major(applied, currency),
    balanceRemaining: major(minor(invoice.balance, currency), currency),
  });
}

/** ServiceTitan's write side: the commands its v2 API can carry out. */
export const servicetitanWriteSide: ConnectorWriteSide = {
  vendor: 'servicetitan',
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
