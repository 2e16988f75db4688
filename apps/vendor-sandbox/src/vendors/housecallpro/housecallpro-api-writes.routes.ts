import {
  WorldRuleCode,
  WorldRuleError,
  type StoredRecord,
  type WorldAddress,
  type WorldEntity,
} from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PortalKit } from '../../portal/portal.types';
import { hcpId, worldIdOf } from './housecallpro-ids.util';
import {
  HOUSECALLPRO_ESTIMATE_JOB_KEY,
  HOUSECALLPRO_ESTIMATE_NOTE_KEY,
  HOUSECALLPRO_NOTE_KEY,
} from './housecallpro-job-notes.util';
import { HousecallProRenderer } from './housecallpro.renderer';

/*
 * The writes of Housecall Pro's v1 API that the sandbox models (shared/reference/openapi/housecall-pro/
 * housecall-v1.yaml): `POST /customers` (CustomerCreate), `POST /customers/{id}/addresses` (AddressCreate),
 * `POST /jobs` (JobCreate: customer_id and address_id required), `PUT /jobs/{id}/schedule`,
 * `PUT /jobs/{id}/dispatch`, `PUT /jobs/{id}/line_items/bulk_update` (new lines only: they make the
 * job's invoice; a job whose invoice exists is refused, the world keeps an invoice's lines), `POST
 * /estimates` (EstimateCreate: customer_id, address_id, options with line items, note) and `POST
 * /estimates/options/approve` (one option; the company copies an approved estimate to a new job:
 * `copied_on_approval_to_job_id`). The world ties every estimate to a job, so an estimate made here gets a
 * world job the API does not show until the approval makes it the estimate's job (isEstimateJob); its
 * `note` is the estimate's note, listed on each option. Mounted inside the data API's scope, so the session, the CSRF header, the
 * rate limit and the `{"message":"Unauthorized"}` answer apply as to the reads. A refused write answers
 * 400 (a malformed body) or 422 (the world's rules: a do-not-service customer, an address of another
 * customer, an end before the start) with `{ error: { message } }`, naming the field.
 *
 * How the world holds what Housecall Pro has and the world does not: a customer's billing address is the
 * world customer's address and each service address a location (a customer created without any address
 * gets its first address as both); a job's `notes` string is a job note kept in the world job's
 * `externalData` under HOUSECALLPRO_NOTE_KEY; a job's line items are those of the job's invoice (the
 * renderer reads them back from it, as `GET /jobs/{id}/line_items` does); Housecall Pro's calendar
 * holds overlapping appointments (the office decides), so bookings never refuse an overlap. The customer's
 * `notes` and `lead_source`, a job's `tags`, `lead_source`, `job_fields` and `invoice_number` are not
 * modelled: a body that sets one is refused by name (400), never silently dropped.
 */

type Body = Record<string, unknown>;

/** A refused write: 400 (the body) or 422 (the world's rules), `{ error: { message } }`. */
export class HcpWriteRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 422,
    message: string,
  ) {
    super(message);
  }
}

const isBody = (v: unknown): v is Body => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (b: Body, key: string): string | undefined => {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HcpWriteRefused(400, `${key} must be a string`);
  const t = v.trim();
  return t === '' ? undefined : t;
};
function notModelled(b: Body, keys: readonly string[], what: string): void {
  const set = keys.filter((k) => b[k] !== undefined && b[k] !== null);
  if (set.length > 0) {
    throw new HcpWriteRefused(400, `${set.join(', ')}: not modelled by the sandbox on ${what}`);
  }
}
function instant(b: Body, key: string, required: boolean): number | undefined {
  const raw = b[key];
  if (raw === undefined || raw === null) {
    if (required) throw new HcpWriteRefused(400, `${key} is required`);
    return undefined;
  }
  // Housecall Pro documents the times without a zone (`2021-01-10T20:45:00`): the sandbox reads them as UTC.
  const value = typeof raw === 'string' && !/[zZ]|[+-]\d{2}:\d{2}$/.test(raw) ? `${raw}Z` : raw;
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new HcpWriteRefused(400, `${key} must be an ISO-8601 date-time`);
  return ms;
}
function minutes(b: Body, key: string): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 24 * 60)
    throw new HcpWriteRefused(400, `${key} must be a whole number of minutes from 0 to 1440`);
  return v;
}

/** An AddressCreate as a world address (street, city, a two-letter state and a 5-digit zip required). */
function worldAddress(input: unknown, path: string): WorldAddress {
  if (!isBody(input)) throw new HcpWriteRefused(400, `${path} must be an address object`);
  const street = text(input, 'street');
  const city = text(input, 'city');
  const state = text(input, 'state');
  const zip = text(input, 'zip');
  const country = text(input, 'country');
  if (!street) throw new HcpWriteRefused(400, `${path}.street is required`);
  if (!city) throw new HcpWriteRefused(400, `${path}.city is required`);
  if (!state || !/^[A-Za-z]{2}$/.test(state))
    throw new HcpWriteRefused(400, `${path}.state must be a two-letter state code`);
  if (!zip || !/^\d{5}$/.test(zip)) throw new HcpWriteRefused(400, `${path}.zip must be 5 digits`);
  if (country !== undefined && !['US', 'USA', 'United States'].includes(country))
    throw new HcpWriteRefused(422, `${path}.country: the company serves the US only`);
  return {
    street,
    unit: text(input, 'street_line_2') ?? null,
    city,
    state: state.toUpperCase(),
    zip,
    country: 'USA',
    // Not geocoded: the centre of Austin.
    latitude: 30.2672,
    longitude: -97.7431,
  };
}

export function mountHousecallProWrites(api: FastifyInstance, kit: PortalKit): void {
  const world = () => kit.world.world;
  const renderer = () => new HousecallProRenderer(world().store);
  const firstUsable = <E extends WorldEntity>(entity: E): StoredRecord<E> => {
    for (const r of world().store.all(entity)) if (r.active && r.deletedOn === null) return r;
    throw new Error(`the world has no usable ${entity}`);
  };
  const body = (raw: unknown): Body => {
    if (!isBody(raw)) throw new HcpWriteRefused(400, 'the body must be a JSON object');
    return raw;
  };
  const refuse = (reply: FastifyReply, error: unknown) => {
    if (error instanceof HcpWriteRefused)
      return reply.code(error.status).send({ error: { message: error.message } });
    if (error instanceof WorldRuleError) {
      const status = error.code === WorldRuleCode.NotFound ? 404 : 422;
      return reply.code(status).send({ error: { message: error.message } });
    }
    throw error;
  };
  const customerOf = (id: string, field: string): StoredRecord<'customer'> => {
    const worldId = worldIdOf('customer', id);
    const c = worldId === undefined ? undefined : world().store.get('customer', worldId);
    if (!c || !renderer().isCustomerVisible(c)) throw new HcpWriteRefused(404, `${field}: no customer ${id}`);
    return c;
  };
  const employeeOf = (id: unknown, field: string): number => {
    const worldId = typeof id === 'string' ? worldIdOf('employee', id) : undefined;
    const e = worldId === undefined ? undefined : world().store.get('employee', worldId);
    if (!e || e.deletedOn !== null || !e.active)
      throw new HcpWriteRefused(404, `${field}: no employee ${String(id)}`);
    return e.id;
  };
  const jobOf = (id: string): StoredRecord<'job'> => {
    const worldId = worldIdOf('job', id);
    const j = worldId === undefined ? undefined : world().store.get('job', worldId);
    if (!j || !renderer().isJobVisible(j)) throw new HcpWriteRefused(404, `no job ${id}`);
    return j;
  };

  /**
   * A world job without a schedule: the world books every job with an appointment, so an unscheduled one
   * (Housecall Pro's "needs scheduling") gets a placeholder that is canceled and deleted at once.
   */
  const createJob = (input: Parameters<ReturnType<typeof world>['writer']['createJob']>[0]) => {
    if (input.appointments.length > 0) return world().writer.createJob(input).job;
    const now = world().clock.now();
    const { job, appointments } = world().writer.createJob({
      ...input,
      appointments: [{ start: now + 86_400_000, end: now + 90_000_000 }],
    });
    for (const placeholder of appointments) {
      world().writer.setAppointmentStatus(placeholder.id, 'Canceled');
      world().store.softDelete('appointment', placeholder.id);
    }
    return world().store.require('job', job.id);
  };

  // ------------------------------------------------------------ customers
  api.post('/customers', async (request, reply) => {
    try {
      const b = body(request.body);
      notModelled(b, ['lead_source', 'notes'], 'a customer');
      const first = text(b, 'first_name');
      const last = text(b, 'last_name');
      const company = text(b, 'company');
      const email = text(b, 'email');
      const mobile = text(b, 'mobile_number');
      const home = text(b, 'home_number');
      const work = text(b, 'work_number');
      if (!first && !last && !email && !mobile && !home && !work) {
        throw new HcpWriteRefused(
          400,
          'One of first_name, last_name, email, mobile_number, home_number, work_number is required',
        );
      }
      const tags = b['tags'] ?? [];
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
        throw new HcpWriteRefused(400, 'tags must be a list of strings');
      const raw = b['addresses'] ?? [];
      if (!Array.isArray(raw)) throw new HcpWriteRefused(400, 'addresses must be a list');
      const addresses = raw.map((a, i) => ({
        type: isBody(a) && a['type'] === 'billing' ? ('billing' as const) : ('service' as const),
        address: worldAddress(a, `addresses[${String(i)}]`),
      }));
      const billing = addresses.find((a) => a.type === 'billing') ?? addresses[0];
      if (!billing) throw new HcpWriteRefused(422, 'addresses: the company needs at least one address');
      const services = addresses.filter((a) => a.type === 'service');
      const isCompany = company !== undefined && !first && !last;
      const name = isCompany ? company : [first, last].filter(Boolean).join(' ') || (email ?? mobile ?? '');
      const taxZoneId = firstUsable('taxZone').id;
      const { customer } = world().writer.createCustomer({
        name,
        type: isCompany ? 'Commercial' : 'Residential',
        address: billing.address,
        doNotMail: b['notifications_enabled'] === false,
        tags: tags as string[],
        // A customer given only a billing address is served there too (the world keeps one location).
        locations: (services.length > 0 ? services : [billing]).map((a) => ({
          address: a.address,
          taxZoneId,
        })),
        contacts: [
          ...(email ? [{ type: 'Email' as const, value: email }] : []),
          ...(mobile ? [{ type: 'MobilePhone' as const, value: mobile }] : []),
          ...(home && !isCompany ? [{ type: 'Phone' as const, value: home }] : []),
          ...(work && isCompany ? [{ type: 'Phone' as const, value: work }] : []),
        ],
      });
      return reply.code(201).send(renderer().customer(customer));
    } catch (error) {
      return refuse(reply, error);
    }
  });

  api.post<{ Params: { customer_id: string } }>(
    '/customers/:customer_id/addresses',
    async (request, reply) => {
      try {
        const customer = customerOf(request.params.customer_id, 'customer_id');
        const address = worldAddress(request.body, 'address');
        // The world writer has no "add a location": checked here, created through the store.
        const location = world().store.create('location', {
          customerId: customer.id,
          name: customer.name,
          address,
          taxZoneId: firstUsable('taxZone').id,
          mergedToId: null,
        });
        return reply.code(200).send(renderer().address('serviceAddress', location.id, location.address));
      } catch (error) {
        return refuse(reply, error);
      }
    },
  );

  // ------------------------------------------------------------ jobs
  api.post('/jobs', async (request, reply) => {
    try {
      const b = body(request.body);
      notModelled(b, ['invoice_number', 'tags', 'lead_source', 'job_fields'], 'a job');
      const customerId = text(b, 'customer_id');
      const addressId = text(b, 'address_id');
      if (!customerId) throw new HcpWriteRefused(400, 'customer_id is required');
      if (!addressId) throw new HcpWriteRefused(400, 'address_id is required');
      const customer = customerOf(customerId, 'customer_id');
      const locationId = worldIdOf('serviceAddress', addressId);
      const location = locationId === undefined ? undefined : world().store.get('location', locationId);
      if (!location || location.deletedOn !== null || location.customerId !== customer.id)
        throw new HcpWriteRefused(422, `address_id: ${addressId} is not a service address of the customer`);
      const schedule = b['schedule'] === undefined || b['schedule'] === null ? undefined : b['schedule'];
      if (schedule !== undefined && !isBody(schedule))
        throw new HcpWriteRefused(400, 'schedule must be an object');
      const employees = b['assigned_employee_ids'] ?? [];
      if (!Array.isArray(employees)) throw new HcpWriteRefused(400, 'assigned_employee_ids must be a list');
      const technicianIds = employees.map((e, i) => employeeOf(e, `assigned_employee_ids[${String(i)}]`));
      if (technicianIds.length > 0 && schedule === undefined)
        throw new HcpWriteRefused(422, 'assigned_employee_ids: a job needs a schedule to be dispatched');
      const appointments = [];
      if (schedule !== undefined) {
        const start = instant(schedule, 'scheduled_start', true) as number;
        const end = instant(schedule, 'scheduled_end', false) ?? start + 3_600_000;
        const window = minutes(schedule, 'arrival_window') ?? 0;
        appointments.push({
          start,
          end,
          arrivalWindowStart: start,
          arrivalWindowEnd: start + window * 60_000,
          technicianIds,
          allowOverlap: true,
        });
      }
      const items = lineItems(b['line_items']);
      const notes = text(b, 'notes');
      const job = createJob({
        customerId: customer.id,
        locationId: location.id,
        businessUnitId: firstUsable('businessUnit').id,
        jobTypeId: firstUsable('jobType').id,
        campaignId: firstUsable('campaign').id,
        priority: 'Normal',
        summary: '',
        ...(notes === undefined ? {} : { externalData: [{ key: HOUSECALLPRO_NOTE_KEY, value: notes }] }),
        appointments,
      });
      // A job's line items live on its invoice: the job made with items has one.
      if (items.length > 0) world().writer.createInvoice({ jobId: job.id, items });
      return reply.code(201).send(renderer().job(world().store.require('job', job.id)));
    } catch (error) {
      return refuse(reply, error);
    }
  });

  /** The job's only appointment (schedule and dispatch act on it; multi-day jobs use the appointments endpoints). */
  const soleAppointment = (j: StoredRecord<'job'>): StoredRecord<'appointment'> | undefined => {
    const live = renderer().liveAppointments(j.id);
    if (live.length > 1)
      throw new HcpWriteRefused(
        422,
        "Jobs with multi days feature containing more than 1 appointment can't be updated through this endpoint, must use appointments endpoints",
      );
    return live[0];
  };
  /** Sets the appointment's crew to exactly `ids` (assign the new, unassign the gone). */
  const setCrew = (appointmentId: number, ids: readonly number[]) => {
    const writer = world().writer;
    const current = writer.activeAssignments(appointmentId).map((a) => a.technicianId);
    const gone = current.filter((t) => !ids.includes(t));
    const added = ids.filter((t) => !current.includes(t));
    if (gone.length > 0) writer.unassignTechnicians(appointmentId, gone);
    if (added.length > 0) writer.assignTechnicians(appointmentId, added, null, { allowOverlap: true });
  };
  const crewOf = (b: Body, required: boolean): number[] | undefined => {
    const raw = b['dispatched_employees'];
    if (raw === undefined || raw === null) {
      if (required) throw new HcpWriteRefused(400, 'dispatched_employees is required');
      return undefined;
    }
    if (!Array.isArray(raw)) throw new HcpWriteRefused(400, 'dispatched_employees must be a list');
    const ids = raw.map((d, i) =>
      employeeOf(isBody(d) ? d['employee_id'] : undefined, `dispatched_employees[${String(i)}].employee_id`),
    );
    if (new Set(ids).size !== ids.length)
      throw new HcpWriteRefused(400, 'dispatched_employees: an employee is listed twice');
    return ids;
  };
  const assigned = (j: StoredRecord<'job'>) =>
    renderer().job(world().store.require('job', j.id))['assigned_employees'];

  api.put<{ Params: { job_id: string } }>('/jobs/:job_id/schedule', async (request, reply) => {
    try {
      const job = jobOf(request.params.job_id);
      const b = body(request.body);
      const start = instant(b, 'start_time', true) as number;
      const end = instant(b, 'end_time', false) ?? start + 3_600_000;
      const window = minutes(b, 'arrival_window_in_minutes') ?? 0;
      const crew = crewOf(b, false);
      const times = { start, end, arrivalWindowStart: start, arrivalWindowEnd: start + window * 60_000 };
      const writer = world().writer;
      const current = soleAppointment(job);
      const appointment = current
        ? writer.rescheduleAppointment(current.id, times, { allowOverlap: true })
        : writer.addAppointment(job.id, { ...times, allowOverlap: true });
      if (crew !== undefined) setCrew(appointment.id, crew);
      const now = world().store.require('appointment', appointment.id);
      return reply.code(200).send({
        start_time: new Date(now.start).toISOString(),
        end_time: new Date(now.end).toISOString(),
        arrival_window_minutes: Math.round((now.arrivalWindowEnd - now.arrivalWindowStart) / 60_000),
        assigned_employees: assigned(job),
      });
    } catch (error) {
      return refuse(reply, error);
    }
  });

  api.put<{ Params: { job_id: string } }>('/jobs/:job_id/dispatch', async (request, reply) => {
    try {
      const job = jobOf(request.params.job_id);
      const crew = crewOf(body(request.body), true) as number[];
      const appointment = soleAppointment(job);
      if (!appointment) throw new HcpWriteRefused(422, 'the job has no schedule to dispatch');
      setCrew(appointment.id, crew);
      return reply.code(200).send({ assigned_employees: assigned(job) });
    } catch (error) {
      return refuse(reply, error);
    }
  });

  api.put<{ Params: { job_id: string } }>('/jobs/:job_id/line_items/bulk_update', async (request, reply) => {
    try {
      const job = jobOf(request.params.job_id);
      const b = body(request.body);
      const raw = b['line_items'];
      if (!Array.isArray(raw) || raw.length === 0) throw new HcpWriteRefused(400, 'line_items is required');
      raw.forEach((item, i) => {
        if (isBody(item) && item['uuid'] !== undefined)
          throw new HcpWriteRefused(
            400,
            `line_items[${String(i)}].uuid: the sandbox does not edit existing line items`,
          );
      });
      // The job's line items are its invoice's; the world's invoices keep their lines once made.
      if (renderer().liveInvoices(job.id).length > 0)
        throw new HcpWriteRefused(
          422,
          "line_items: the job's invoice already has its line items (the sandbox does not edit them)",
        );
      world().writer.createInvoice({ jobId: job.id, items: lineItems(raw) });
      return reply.code(200).send({
        url: `/jobs/${request.params.job_id}/line_items`,
        data: renderer().jobLineItems(world().store.require('job', job.id)),
      });
    } catch (error) {
      return refuse(reply, error);
    }
  });

  // ------------------------------------------------------------ estimates
  api.post('/estimates', async (request, reply) => {
    try {
      const b = body(request.body);
      notModelled(
        b,
        ['estimate_number', 'message', 'assigned_employee_ids', 'lead_source', 'address', 'schedule', 'tax'],
        'an estimate',
      );
      const customerId = text(b, 'customer_id');
      const addressId = text(b, 'address_id');
      if (!customerId) throw new HcpWriteRefused(400, 'customer_id is required');
      if (!addressId) throw new HcpWriteRefused(400, 'address_id is required');
      const customer = customerOf(customerId, 'customer_id');
      const locationId = worldIdOf('serviceAddress', addressId);
      const location = locationId === undefined ? undefined : world().store.get('location', locationId);
      if (!location || location.deletedOn !== null || location.customerId !== customer.id)
        throw new HcpWriteRefused(422, `address_id: ${addressId} is not a service address of the customer`);
      const rawOptions = b['options'];
      if (!Array.isArray(rawOptions) || rawOptions.length === 0)
        throw new HcpWriteRefused(400, 'options: an estimate needs at least one option');
      const options = rawOptions.map((o, i) => {
        if (!isBody(o)) throw new HcpWriteRefused(400, `options[${String(i)}] must be an object`);
        const items = lineItems(o['line_items']);
        if (items.length === 0)
          throw new HcpWriteRefused(400, `options[${String(i)}].line_items: an option needs a line`);
        return { name: text(o, 'name') ?? `Option #${String(i + 1)}`, items };
      });
      const note = text(b, 'note');
      // The world's estimates live on a job: this one's is marked as the estimate's until an approval.
      const job = createJob({
        customerId: customer.id,
        locationId: location.id,
        businessUnitId: firstUsable('businessUnit').id,
        jobTypeId: firstUsable('jobType').id,
        campaignId: firstUsable('campaign').id,
        priority: 'Normal',
        summary: '',
        externalData: [
          { key: HOUSECALLPRO_ESTIMATE_JOB_KEY, value: 'open' },
          ...(note === undefined ? [] : [{ key: HOUSECALLPRO_ESTIMATE_NOTE_KEY, value: note }]),
        ],
        appointments: [],
      });
      const estimate = world().writer.createEstimate({
        jobId: job.id,
        name: options[0]?.name ?? 'Estimate',
        options,
      });
      return reply.code(200).send(renderer().estimate(estimate));
    } catch (error) {
      return refuse(reply, error);
    }
  });

  api.post('/estimates/options/approve', async (request, reply) => {
    try {
      const raw = body(request.body)['option_ids'];
      if (!Array.isArray(raw) || raw.length === 0) throw new HcpWriteRefused(400, 'option_ids is required');
      const optionIds = raw.map((o, i) => {
        const id = typeof o === 'string' ? worldIdOf('estimateOption', o) : undefined;
        if (id === undefined)
          throw new HcpWriteRefused(404, `option_ids[${String(i)}]: no option ${String(o)}`);
        return id;
      });
      const estimates = optionIds.map((optionId, i) => {
        for (const e of world().store.all('estimate'))
          if (e.deletedOn === null && e.options.some((o) => o.id === optionId)) return e;
        throw new HcpWriteRefused(404, `option_ids[${String(i)}]: no option ${String(raw[i])}`);
      });
      const first = estimates[0] as StoredRecord<'estimate'>;
      if (estimates.some((e) => e.id !== first.id))
        throw new HcpWriteRefused(422, 'option_ids: the options of one estimate are approved together');
      if (optionIds.length > 1)
        throw new HcpWriteRefused(422, 'option_ids: the sandbox copies one approved option to a job');
      if (first.status !== 'Open')
        throw new HcpWriteRefused(
          422,
          `option_ids: the estimate is ${first.status === 'Sold' ? 'already approved' : 'declined'}`,
        );
      const soldBy = firstUsable('employee').id;
      const sold = world().writer.sellEstimate(first.id, optionIds[0] as number, soldBy);
      // "Automatically copy an approved estimate to a new job": the estimate's world job becomes the job.
      const job = world().store.require('job', sold.jobId);
      if (job.externalData.some((e) => e.key === HOUSECALLPRO_ESTIMATE_JOB_KEY)) {
        world().store.update('job', job.id, {
          externalData: job.externalData.map((e) =>
            e.key === HOUSECALLPRO_ESTIMATE_JOB_KEY ? { key: e.key, value: 'approved' } : e,
          ),
        });
      }
      return reply.code(200).send({
        status: 'pro approved',
        last_updated_at: new Date(sold.modifiedOn).toISOString(),
        copied_on_approval_to_job_id: hcpId('job', sold.jobId),
      });
    } catch (error) {
      return refuse(reply, error);
    }
  });
}

/** LineItemCreate[] (name, unit_price in cents, quantity, kind, taxable) as the world's invoice lines. */
function lineItems(raw: unknown) {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new HcpWriteRefused(400, 'line_items must be a list');
  return raw.map((item, i) => {
    const path = `line_items[${String(i)}]`;
    if (!isBody(item)) throw new HcpWriteRefused(400, `${path} must be an object`);
    const name = text(item, 'name');
    if (!name) throw new HcpWriteRefused(400, `${path}.name is required`);
    const price = item['unit_price'];
    if (typeof price !== 'number' || !Number.isInteger(price) || price < 0)
      throw new HcpWriteRefused(400, `${path}.unit_price must be whole cents, not negative`);
    const quantity = item['quantity'] ?? 1;
    if (typeof quantity !== 'number' || !(quantity > 0) || !Number.isInteger(Math.round(quantity * 1000)))
      throw new HcpWriteRefused(400, `${path}.quantity must be more than zero`);
    const kind = item['kind'] ?? 'labor';
    if (kind !== 'labor' && kind !== 'materials')
      throw new HcpWriteRefused(400, `${path}.kind must be labor or materials`);
    const taxable = item['taxable'];
    if (taxable !== undefined && typeof taxable !== 'boolean')
      throw new HcpWriteRefused(400, `${path}.taxable must be true or false`);
    return {
      type: kind === 'labor' ? ('Service' as const) : ('Material' as const),
      description: name,
      code: text(item, 'description') ?? '',
      unitPrice: price,
      quantityMilli: Math.round(quantity * 1000),
      taxable: taxable ?? true,
    };
  });
}
