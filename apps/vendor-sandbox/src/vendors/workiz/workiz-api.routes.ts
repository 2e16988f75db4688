import { WorldRuleError, type StoredRecord, type World, type WorldAddress } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PortalKit } from '../../portal/portal.types';
import { safeEqual } from '../../portal/safe-equal.util';
import { parseWorkizLocal, workizLocalDateTime } from './workiz-datetime.util';
import type { WorkizAccount } from './workiz-account.util';
import { workizRequestLimiter } from './workiz-rate.limiter';
import {
  idOfUuid,
  jobDateTimeMs,
  renderJob,
  renderLead,
  renderTeamMember,
  teamOf,
  workizUuid,
} from './workiz.renderer';

/**
 * Workiz's Developer API (`/api/v1/<api token>/…`) behind the portal session, as the published
 * description and vendors.md §4 say: the token in the path (a wrong one answers 401), writes also
 * need `auth_secret` in the JSON body (401 without it while reads work), `{flag, data, has_more}`,
 * at most 100 records a page with a record `offset`, `only_open` true by default (Done and Canceled
 * hidden), no `start_date` ⇒ the last 14 days only, sorted by JobDateTime descending, no
 * modified-since filter, assign/unassign by the technician's full name, and errors as
 * `{flag: false, msg, code, details}`.
 */

const DAY = 86_400_000;
const DEFAULT_WINDOW_DAYS = 14;
const MAX_RECORDS = 100;
const CLOSED = new Set(['Done', 'Canceled']);
const CLOSED_LEADS = new Set(['Converted', 'Lost']);

export function workizError(
  reply: FastifyReply,
  code: number,
  msg: string,
  error: string = msg,
): FastifyReply {
  return reply.code(code).send({ flag: false, msg, code, details: { error } });
}

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
const listQuery = z
  .object({
    records: z.coerce.number().int().min(1).max(MAX_RECORDS).default(MAX_RECORDS),
    offset: z.coerce.number().int().min(0).default(0),
    only_open: bool,
    start_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'start_date must be YYYY-MM-DD')
      .optional(),
    status: z.string().min(1).optional(),
  })
  .strict();
type ListQuery = z.infer<typeof listQuery>;

/** The body of every write: the secret, and the fields of the operation. */
const secretOnly = z.object({ auth_secret: z.string().optional() }).passthrough();

const text = z.string().max(2_000);
const jobCreateBody = z
  .object({
    auth_secret: z.string(),
    ClientId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
    FirstName: text.optional(),
    LastName: text.optional(),
    Company: text.optional(),
    Phone: text.optional(),
    Email: text.optional(),
    Address: text.optional(),
    Unit: text.optional(),
    City: text.optional(),
    State: text.optional(),
    PostalCode: text.optional(),
    JobType: z.string().min(1),
    JobSource: text.optional(),
    JobDateTime: z.string().min(1),
    JobEndDateTime: z.string().min(1).optional(),
    JobNotes: text.optional(),
    Comments: text.optional(),
    Team: z.array(z.string().min(1)).optional(),
  })
  .strict();
const jobUpdateBody = z
  .object({
    auth_secret: z.string(),
    UUID: z.string().min(1),
    Status: z.string().min(1).optional(),
    SubStatus: z.string().optional(),
    JobDateTime: z.string().min(1).optional(),
    JobEndDateTime: z.string().min(1).optional(),
    JobNotes: text.optional(),
  })
  .strict();
const assignBody = z
  .object({ auth_secret: z.string(), UUID: z.string().min(1), User: z.string().min(1) })
  .strict();
const paymentBody = z
  .object({
    auth_secret: z.string(),
    amount: z.number().positive(),
    paymentMethod: z.enum(['cash', 'credit_card', 'check', 'bank_transfer']).default('cash'),
    date: z.string().optional(),
    note: text.optional(),
    reference: text.optional(),
    /** A card payment keeps the brand and last four digits only (never a card number). */
    cardBrand: z.enum(['Visa', 'Mastercard', 'Amex', 'Discover']).optional(),
    cardLast4: z
      .string()
      .regex(/^\d{4}$/, 'cardLast4 must be 4 digits')
      .optional(),
    checkNumber: z
      .string()
      .regex(/^\d{1,10}$/, 'checkNumber must be digits')
      .optional(),
  })
  .strict();
const leadCreateBody = z
  .object({
    auth_secret: z.string(),
    LeadType: z.string().min(1),
    LeadSource: text.optional(),
    FirstName: text.optional(),
    LastName: text.optional(),
    Company: text.optional(),
    Phone: text.optional(),
    Email: text.optional(),
    Address: text.optional(),
    Unit: text.optional(),
    City: text.optional(),
    State: text.optional(),
    PostalCode: text.optional(),
    LeadDateTime: z.string().optional(),
    Comments: text.optional(),
  })
  .strict();
const leadUpdateBody = leadCreateBody
  .partial()
  .extend({ auth_secret: z.string(), UUID: z.string().min(1), Status: z.enum(['active', 'lost']).optional() })
  .strict();

const leadActionBody = z.object({ auth_secret: z.string(), UUID: z.string().min(1) }).strict();

const STATUS_TO_WORLD = {
  Submitted: 'Scheduled',
  Pending: 'Hold',
  'In progress': 'InProgress',
  Done: 'Completed',
  Canceled: 'Canceled',
} as const;

export function registerWorkizApi(scope: FastifyInstance, kit: PortalKit, account: WorkizAccount): void {
  const limiter = workizRequestLimiter(account, kit.clock);
  kit.onReset(() => limiter.clear());
  const world = (): World => kit.world.world;

  scope.register(
    async (api) => {
      api.addHook('preHandler', async (request: FastifyRequest<{ Params: { token?: string } }>, reply) => {
        const token = request.params.token ?? '';
        if (!safeEqual(token, account.apiToken))
          return workizError(reply, 401, 'Invalid API token', 'unauthorized');
        const limited = limiter.take();
        if (!limited.ok) {
          void reply.header('retry-after', String(limited.retryAfterSeconds));
          return workizError(reply, 429, 'Too many requests', 'rate_limited');
        }
        if (request.method === 'POST') {
          const body = secretOnly.safeParse(request.body ?? {});
          const secret = body.success ? body.data.auth_secret : undefined;
          if (secret === undefined || !safeEqual(secret, account.apiSecret)) {
            return workizError(reply, 401, 'auth_secret is missing or invalid', 'unauthorized');
          }
        }
        return undefined;
      });

      // ---------------------------------------------------------------- reads
      api.get('/job/all/', async (request, reply) => {
        const q = listQuery.safeParse(request.query);
        if (!q.success) return badQuery(reply, q.error);
        const w = world();
        const from = windowStart(w, q.data);
        if (from === null) return workizError(reply, 400, 'start_date is not a valid date');
        const onlyOpen = q.data.only_open ?? true;
        const rows = jobListing(w)
          .filter((r) => r.at >= from)
          .filter((r) => !onlyOpen || !CLOSED.has(r.status))
          .filter(
            (r) => q.data.status === undefined || r.status.toLowerCase() === q.data.status.toLowerCase(),
          );
        return page(rows, q.data, (r) => renderJob(w, r.job));
      });

      api.get<{ Params: { uuid: string } }>('/job/get/:uuid/', async (request, reply) => {
        const job = findJob(world(), request.params.uuid);
        if (!job) return workizError(reply, 404, 'Job not found', 'not_found');
        return { flag: true, data: renderJob(world(), job) };
      });

      api.get('/lead/all/', async (request, reply) => {
        const q = listQuery.safeParse(request.query);
        if (!q.success) return badQuery(reply, q.error);
        const w = world();
        const from = windowStart(w, q.data);
        if (from === null) return workizError(reply, 400, 'start_date is not a valid date');
        const onlyOpen = q.data.only_open ?? true;
        const rows = w.workiz
          .leads()
          .filter((l) => l.createdOn >= from)
          .filter((l) => !onlyOpen || !CLOSED_LEADS.has(l.status))
          .filter(
            (l) => q.data.status === undefined || l.status.toLowerCase() === q.data.status.toLowerCase(),
          )
          .sort((a, b) => b.createdOn - a.createdOn || b.id - a.id);
        return page(rows, q.data, (l) => renderLead(w, l));
      });

      api.get<{ Params: { uuid: string } }>('/lead/get/:uuid/', async (request, reply) => {
        const id = idOfUuid(request.params.uuid);
        const lead = id === null ? undefined : world().workiz.lead(id);
        if (!lead) return workizError(reply, 404, 'Lead not found', 'not_found');
        return { flag: true, data: renderLead(world(), lead) };
      });

      api.get('/team/all/', async () => {
        const w = world();
        return { flag: true, data: [...w.store.all('employee')].map((e) => renderTeamMember(w, e)) };
      });

      api.get<{ Params: { id: string } }>('/team/get/:id/', async (request, reply) => {
        const w = world();
        const id = /^\d+$/.test(request.params.id) ? Number(request.params.id) : 0;
        const e = w.store.get('employee', id);
        if (!e) return workizError(reply, 404, 'User not found', 'not_found');
        return { flag: true, data: renderTeamMember(w, e) };
      });

      // ---------------------------------------------------------------- writes
      api.post('/job/create/', async (request, reply) => {
        const body = jobCreateBody.safeParse(request.body);
        if (!body.success) return badBody(reply, body.error);
        return ruled(reply, () => createJob(world(), body.data));
      });

      api.post('/job/update/', async (request, reply) => {
        const body = jobUpdateBody.safeParse(request.body);
        if (!body.success) return badBody(reply, body.error);
        const w = world();
        const job = findJob(w, body.data.UUID);
        if (!job) return workizError(reply, 404, 'Job not found', 'not_found');
        return ruled(reply, () => updateJob(w, job, body.data));
      });

      const assignment = (assign: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
        const body = assignBody.safeParse(request.body);
        if (!body.success) return badBody(reply, body.error);
        const w = world();
        const job = findJob(w, body.data.UUID);
        if (!job) return workizError(reply, 404, 'Job not found', 'not_found');
        const user = w.workiz.employeeByName(body.data.User);
        if (!user) return workizError(reply, 400, `User not found: ${body.data.User}`, 'user_not_found');
        // By the user, not the name the job shows (a renamed technician keeps the old name on the job).
        const assigned = w.store
          .children('assignment', 'jobId', job.id)
          .some((a) => a.deletedOn === null && a.technicianId === user.id);
        if (assign && assigned)
          return workizError(reply, 400, 'User is already assigned', 'already_assigned');
        if (!assign && !assigned) return workizError(reply, 400, 'User is not assigned', 'not_assigned');
        return ruled(reply, () => {
          const appointments = w.writer.openAppointments(job.id);
          if (assign) {
            const first = appointments[0];
            if (!first) throw new RangeError('The job has no open visit to assign');
            w.writer.assignTechnicians(first.id, [user.id], null, { allowOverlap: true });
          } else {
            for (const a of w.store.children('appointment', 'jobId', job.id)) {
              if (w.writer.activeAssignments(a.id).some((x) => x.technicianId === user.id)) {
                w.writer.unassignTechnicians(a.id, [user.id]);
              }
            }
          }
          return { UUID: workizUuid(job.id), Team: teamOf(w, job.id) };
        });
      };
      api.post('/job/assign/', assignment(true));
      api.post('/job/unassign/', assignment(false));

      api.post<{ Params: { uuid: string } }>('/job/addPayment/:uuid/', async (request, reply) => {
        const body = paymentBody.safeParse(request.body);
        if (!body.success) return badBody(reply, body.error);
        const w = world();
        const job = findJob(w, request.params.uuid);
        if (!job) return workizError(reply, 404, 'Job not found', 'not_found');
        return ruled(reply, () => addPayment(w, job, body.data));
      });

      api.post('/lead/create/', async (request, reply) => {
        const body = leadCreateBody.safeParse(request.body);
        if (!body.success) return badBody(reply, body.error);
        const w = world();
        return ruled(reply, () => {
          const b = body.data;
          const requested = b.LeadDateTime ? parseWorkizLocal(b.LeadDateTime, w.workiz.timezone) : null;
          if (b.LeadDateTime && requested === null)
            throw new RangeError('LeadDateTime must be YYYY-MM-DD HH:MM:SS');
          const lead = w.workiz.createLead({
            leadType: b.LeadType,
            source: b.LeadSource ?? 'API',
            firstName: b.FirstName ?? '',
            lastName: b.LastName ?? '',
            company: b.Company ?? '',
            phone: (b.Phone ?? '').replace(/\D/g, ''),
            email: b.Email ?? '',
            address: addressFrom(w, b),
            requestedOn: requested,
            notes: b.Comments ?? '',
          });
          return renderLead(w, lead);
        });
      });

      // Lead life cycle (vendors.md §4: convert, markLost, activate; not in the published file).
      const leadAction =
        (action: 'convert' | 'markLost' | 'activate') =>
        async (request: FastifyRequest, reply: FastifyReply) => {
          const body = leadActionBody.safeParse(request.body);
          if (!body.success) return badBody(reply, body.error);
          const w = world();
          const id = idOfUuid(body.data.UUID);
          const lead = id === null ? undefined : w.workiz.lead(id);
          if (!lead) return workizError(reply, 404, 'Lead not found', 'not_found');
          if (action === 'markLost') {
            if (lead.status === 'Converted')
              return workizError(reply, 400, 'A converted lead cannot be lost');
            return ruled(reply, () => renderLead(w, w.workiz.updateLead(lead.id, { status: 'Lost' })));
          }
          if (action === 'activate') {
            if (lead.status !== 'Lost') return workizError(reply, 400, 'Only a lost lead can be activated');
            return ruled(reply, () => renderLead(w, w.workiz.updateLead(lead.id, { status: 'New' })));
          }
          if (lead.status === 'Converted' || lead.status === 'Lost') {
            return workizError(reply, 400, `A ${lead.status.toLowerCase()} lead cannot be converted`);
          }
          return ruled(reply, () => {
            const start = lead.requestedOn ?? w.clock.now() + 86_400_000;
            const created = createJob(w, {
              auth_secret: '',
              ...(lead.customerId !== null ? { ClientId: lead.customerId } : {}),
              FirstName: lead.firstName,
              LastName: lead.lastName,
              Company: lead.company,
              Phone: lead.phone,
              Email: lead.email,
              Address: lead.address.street,
              City: lead.address.city,
              State: lead.address.state,
              PostalCode: lead.address.zip,
              JobType: lead.leadType,
              JobSource: lead.source,
              JobDateTime: workizLocalDateTime(start, w.workiz.timezone),
              JobNotes: lead.notes,
            });
            const jobId = idOfUuid(String(created['UUID']));
            const converted = w.workiz.updateLead(lead.id, {
              status: 'Converted',
              jobId,
              customerId: Number(created['ClientId']),
            });
            return { ...created, LeadUUID: workizUuid(converted.id) };
          });
        };
      api.post('/lead/convert/', leadAction('convert'));
      api.post('/lead/markLost/', leadAction('markLost'));
      api.post('/lead/activate/', leadAction('activate'));

      api.post('/lead/update/', async (request, reply) => {
        const body = leadUpdateBody.safeParse(request.body);
        if (!body.success) return badBody(reply, body.error);
        const w = world();
        const id = idOfUuid(body.data.UUID);
        const lead = id === null ? undefined : w.workiz.lead(id);
        if (!lead) return workizError(reply, 404, 'Lead not found', 'not_found');
        return ruled(reply, () => {
          const b = body.data;
          const next = w.workiz.updateLead(lead.id, {
            ...(b.Status === 'lost'
              ? { status: 'Lost' as const }
              : b.Status === 'active'
                ? { status: 'New' as const }
                : {}),
            ...(b.LeadType !== undefined ? { leadType: b.LeadType } : {}),
            ...(b.FirstName !== undefined ? { firstName: b.FirstName } : {}),
            ...(b.LastName !== undefined ? { lastName: b.LastName } : {}),
            ...(b.Phone !== undefined ? { phone: b.Phone.replace(/\D/g, '') } : {}),
            ...(b.Email !== undefined ? { email: b.Email } : {}),
            ...(b.Comments !== undefined ? { notes: b.Comments } : {}),
          });
          return renderLead(w, next);
        });
      });
    },
    { prefix: '/api/v1/:token' },
  );
}

function badQuery(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || '(query)';
  return workizError(reply, 400, `${field}: ${issue?.message ?? 'invalid'}`, 'invalid_parameter');
}

function badBody(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || '(body)';
  return workizError(reply, 400, `${field}: ${issue?.message ?? 'invalid'}`, 'invalid_field');
}

/** Runs a write; a world rule refusal (or a bad value) becomes Workiz's 400. */
function ruled(
  reply: FastifyReply,
  write: () => Record<string, unknown>,
): FastifyReply | Record<string, unknown> {
  try {
    return { flag: true, data: write() };
  } catch (error) {
    if (error instanceof WorldRuleError) return workizError(reply, 400, error.message, error.code);
    if (error instanceof RangeError) return workizError(reply, 400, error.message, 'invalid_value');
    throw error;
  }
}

/** The lower bound of the listing: `start_date` (account-local midnight), else 14 days ago. */
function windowStart(w: World, q: ListQuery): number | null {
  if (q.start_date === undefined) return w.clock.now() - DEFAULT_WINDOW_DAYS * DAY;
  return parseWorkizLocal(q.start_date, w.workiz.timezone);
}

function page<T>(rows: readonly T[], q: ListQuery, render: (row: T) => Record<string, unknown>) {
  const slice = rows.slice(q.offset, q.offset + q.records);
  return { flag: true, data: slice.map(render), has_more: q.offset + slice.length < rows.length };
}

interface ListedJob {
  readonly job: StoredRecord<'job'>;
  readonly at: number;
  readonly status: string;
}
/** Every live job by JobDateTime descending, kept while the world's store is unchanged (one per world). */
const listings = new WeakMap<World, { rowVersion: number; rows: readonly ListedJob[] }>();

function jobListing(w: World): readonly ListedJob[] {
  const cached = listings.get(w);
  if (cached && cached.rowVersion === w.store.rowVersion) return cached.rows;
  const rows = [...w.store.all('job')]
    .filter((j) => j.deletedOn === null)
    .map((j) => ({ job: j, at: jobDateTimeMs(w, j), status: w.workiz.jobStatus(j) }))
    .sort((a, b) => b.at - a.at || b.job.id - a.job.id);
  listings.set(w, { rowVersion: w.store.rowVersion, rows });
  return rows;
}

function findJob(w: World, uuid: string): StoredRecord<'job'> | undefined {
  const id = idOfUuid(uuid);
  const job = id === null ? undefined : w.store.get('job', id);
  return job && job.deletedOn === null ? job : undefined;
}

function localTime(w: World, value: string, field: string): number {
  const t = parseWorkizLocal(value, w.workiz.timezone);
  if (t === null) throw new RangeError(`${field} must be YYYY-MM-DD HH:MM:SS (account time)`);
  return t;
}

function addressFrom(
  w: World,
  b: { Address?: string; Unit?: string; City?: string; State?: string; PostalCode?: string },
): WorldAddress {
  const zip = b.PostalCode ?? '';
  if (!/^\d{5}$/.test(zip)) throw new RangeError('PostalCode must be 5 digits');
  const area = w.workiz.serviceAreaOf(zip);
  return {
    street: b.Address?.trim() || 'Unknown',
    unit: b.Unit?.trim() || null,
    city: b.City?.trim() || area.name,
    state: (b.State ?? 'TX').trim().toUpperCase().slice(0, 2).padEnd(2, 'X'),
    zip,
    country: 'USA',
    latitude: 30.27,
    longitude: -97.74,
  };
}

function createJob(w: World, b: z.infer<typeof jobCreateBody>): Record<string, unknown> {
  const jobType = [...w.store.all('jobType')].find((t) => t.name.toLowerCase() === b.JobType.toLowerCase());
  if (!jobType) throw new RangeError(`JobType not found: ${b.JobType}`);
  const campaign =
    [...w.store.all('campaign')].find((c) => c.name.toLowerCase() === (b.JobSource ?? '').toLowerCase()) ??
    [...w.store.all('campaign')][0];
  if (!campaign) throw new RangeError('the account has no job source');
  const start = localTime(w, b.JobDateTime, 'JobDateTime');
  const end = b.JobEndDateTime
    ? localTime(w, b.JobEndDateTime, 'JobEndDateTime')
    : start + jobType.durationMinutes * 60_000;
  const technicianIds = (b.Team ?? []).map((name) => {
    const e = w.workiz.employeeByName(name);
    if (!e) throw new RangeError(`User not found: ${name}`);
    return e.id;
  });
  let customerId: number;
  let locationId: number;
  if (b.ClientId !== undefined) {
    const customer = w.store.get('customer', b.ClientId);
    if (!customer || customer.deletedOn !== null) throw new RangeError(`Client not found: ${b.ClientId}`);
    const location = w.store
      .children('location', 'customerId', customer.id)
      .find((l) => l.deletedOn === null && l.mergedToId === null);
    if (!location) throw new RangeError(`Client ${b.ClientId} has no service address`);
    customerId = customer.id;
    locationId = location.id;
  } else {
    const name = [b.FirstName, b.LastName].filter(Boolean).join(' ').trim() || b.Company?.trim() || '';
    if (!name) throw new RangeError('FirstName/LastName or Company is required without ClientId');
    const address = addressFrom(w, b);
    const taxZone = [...w.store.all('taxZone')][0];
    if (!taxZone) throw new RangeError('the account has no tax zone');
    const created = w.writer.createCustomer({
      name,
      type: b.Company && !b.FirstName ? 'Commercial' : 'Residential',
      address,
      locations: [{ address, taxZoneId: taxZone.id }],
      contacts: [
        ...(b.Phone ? [{ type: 'MobilePhone' as const, value: b.Phone.replace(/\D/g, '') }] : []),
        ...(b.Email ? [{ type: 'Email' as const, value: b.Email }] : []),
      ],
    });
    customerId = created.customer.id;
    const location = created.locations[0];
    if (!location) throw new RangeError('the client was created without a service address');
    locationId = location.id;
  }
  const created = w.writer.createJob({
    customerId,
    locationId,
    businessUnitId: jobType.businessUnitId,
    jobTypeId: jobType.id,
    campaignId: campaign.id,
    priority: 'Normal',
    summary: b.JobNotes ?? b.Comments ?? '',
    appointments: [{ start, end, technicianIds, allowOverlap: true }],
  });
  return {
    UUID: workizUuid(created.job.id),
    ClientId: customerId,
    link: `/job/${workizUuid(created.job.id)}`,
  };
}

function updateJob(
  w: World,
  job: StoredRecord<'job'>,
  b: z.infer<typeof jobUpdateBody>,
): Record<string, unknown> {
  if (b.JobDateTime !== undefined || b.JobEndDateTime !== undefined) {
    const visit = w.writer.openAppointments(job.id)[0];
    if (!visit) throw new RangeError('The job has no open visit to reschedule');
    const start = b.JobDateTime ? localTime(w, b.JobDateTime, 'JobDateTime') : visit.start;
    const end = b.JobEndDateTime
      ? localTime(w, b.JobEndDateTime, 'JobEndDateTime')
      : start + (visit.end - visit.start);
    w.writer.rescheduleAppointment(visit.id, { start, end }, { allowOverlap: true });
  }
  if (b.JobNotes !== undefined) w.store.update('job', job.id, { summary: b.JobNotes });
  if (b.Status !== undefined) {
    const status = (Object.keys(STATUS_TO_WORLD) as (keyof typeof STATUS_TO_WORLD)[]).find(
      (s) => s.toLowerCase() === b.Status?.toLowerCase(),
    );
    if (!status) throw new RangeError(`Status must be one of ${Object.keys(STATUS_TO_WORLD).join(', ')}`);
    const current = w.store.require('job', job.id);
    if (STATUS_TO_WORLD[status] !== current.status) w.writer.setJobStatus(job.id, STATUS_TO_WORLD[status]);
  }
  if (b.SubStatus !== undefined) {
    const current = w.store.require('job', job.id);
    // Workiz-only state (the ledger's): it moves LastStatusUpdate, never what other vendors see.
    w.workiz.setSubStatus(current, b.SubStatus);
  }
  return renderJob(w, w.store.require('job', job.id));
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new RangeError(`${field} is required for this paymentMethod`);
  return value;
}

const METHOD_TO_WORLD = { cash: 'cash', credit_card: 'card', check: 'check', bank_transfer: 'ach' } as const;

function addPayment(
  w: World,
  job: StoredRecord<'job'>,
  b: z.infer<typeof paymentBody>,
): Record<string, unknown> {
  const cents = Math.round(b.amount * 100);
  if (Math.abs(cents - b.amount * 100) > 1e-6)
    throw new RangeError('amount has more than two decimal places');
  const method = METHOD_TO_WORLD[b.paymentMethod];
  const type = [...w.store.all('paymentType')].find((t) => t.method === method);
  if (!type) throw new RangeError(`the account takes no ${b.paymentMethod} payments`);
  const invoices = w.store
    .children('invoice', 'jobId', job.id)
    .filter((i) => i.deletedOn === null && i.balance > 0)
    .sort((a, c) => a.id - c.id);
  const splits: { invoiceId: number; amount: number }[] = [];
  let left = cents;
  for (const invoice of invoices) {
    if (left === 0) break;
    const amount = Math.min(left, invoice.balance);
    splits.push({ invoiceId: invoice.id, amount });
    left -= amount;
  }
  if (splits.length === 0) throw new RangeError('The job has no amount due');
  if (left > 0) throw new RangeError(`amount exceeds the job's amount due by ${(left / 100).toFixed(2)}`);
  const paidOn = b.date ? localTime(w, b.date, 'date') : undefined;
  const payment = w.writer.recordPayment({
    customerId: job.customerId,
    paymentTypeId: type.id,
    splits,
    ...(paidOn !== undefined ? { paidOn: Math.min(paidOn, w.clock.now()) } : {}),
    memo: b.note ?? null,
    externalTransactionId: b.reference ?? null,
    ...(method === 'card'
      ? { card: { brand: required(b.cardBrand, 'cardBrand'), last4: required(b.cardLast4, 'cardLast4') } }
      : {}),
    ...(method === 'check' ? { checkNumber: required(b.checkNumber, 'checkNumber') } : {}),
  });
  return { paymentId: String(payment.id), jobUUID: workizUuid(job.id), amount: b.amount };
}
