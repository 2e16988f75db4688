import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { attempt, ID_BASE, PRIORITIES, type JobStatus, type WorldResult } from '@fieldsync/sandbox-world';
import type { PortalKit } from '../../portal/portal.types';
import { annotationsOf } from './servicetitan-annotations';
import { SERVICETITAN_JOB_CANCEL_REASONS, SERVICETITAN_JOB_HOLD_REASONS } from './servicetitan-lookup.routes';
import { SERVICETITAN_TAG_TYPES } from './servicetitan-tag-types';
import { fieldProblem, problem, ruleProblem, sendProblem, notFound } from './servicetitan-problem.util';
import { parseDateTime } from './servicetitan-query.util';
import { pathId, type TenantRoute } from './servicetitan-read.routes';
import { ServiceTitanRenderer } from './servicetitan.renderer';

/* Request bodies of the modelled writes, as the published specs name their fields. */

const int64 = z.number().int().positive();
const dateTime = z.string().refine((s) => parseDateTime(s) !== undefined, 'must be an RFC 3339 date-time');
const addressBody = z.object({
  street: z.string().min(1),
  unit: z.string().nullish(),
  city: z.string().min(1),
  state: z.string().length(2),
  zip: z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP code'),
  country: z.string().min(1),
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});
const contactBody = z.object({
  type: z.enum(['Phone', 'Email', 'Fax', 'MobilePhone']),
  value: z.string().min(1),
  memo: z.string().nullish(),
});
const customerCreateBody = z.object({
  name: z.string().min(1),
  type: z.enum(['Residential', 'Commercial']).nullish(),
  doNotMail: z.boolean().nullish(),
  doNotService: z.boolean().nullish(),
  locations: z
    .array(
      z.object({ name: z.string().min(1), address: addressBody, contacts: z.array(contactBody).nullish() }),
    )
    .min(1),
  address: addressBody,
  contacts: z.array(contactBody).nullish(),
});
const jobCreateBody = z.object({
  customerId: int64,
  locationId: int64,
  businessUnitId: int64,
  jobTypeId: int64,
  priority: z.enum(PRIORITIES),
  campaignId: int64,
  appointments: z
    .array(
      z.object({
        start: dateTime,
        end: dateTime,
        arrivalWindowStart: dateTime.nullish(),
        arrivalWindowEnd: dateTime.nullish(),
        technicianIds: z.array(int64).nullish(),
      }),
    )
    .min(1),
  summary: z.string().nullish(),
  tagTypeIds: z.array(int64).nullish(),
  externalData: z
    .object({
      applicationGuid: z.string().min(1),
      externalData: z.array(z.object({ key: z.string().min(1), value: z.string() })),
    })
    .nullish(),
});
const reasonBody = z.object({ reasonId: int64, memo: z.string() });
const completeBody = z.object({ completedOn: dateTime });
const assignmentBody = z.object({ jobAppointmentId: int64, technicianIds: z.array(int64).min(1) });
const paymentCreateBody = z.object({
  typeId: int64,
  memo: z.string().nullish(),
  paidOn: dateTime.nullish(),
  authCode: z.string().nullish(),
  checkNumber: z.string().nullish(),
  splits: z.array(z.object({ invoiceId: int64, amount: z.number().positive() })).min(1),
});

const rescheduleBody = z.object({
  start: dateTime,
  end: dateTime,
  arrivalWindowStart: dateTime.nullish(),
  arrivalWindowEnd: dateTime.nullish(),
});
const money = z.number().finite();
const estimateCreateBody = z.object({
  jobId: int64,
  name: z.string().nullish(),
  summary: z.string().nullish(),
  tax: money.nullish(),
  items: z
    .array(
      z.object({
        skuId: int64.nullish(),
        skuName: z.string().nullish(),
        description: z.string().nullish(),
        quantity: z.number().positive().nullish(),
        unitPrice: money.nonnegative().nullish(),
      }),
    )
    .min(1),
  externalLinks: z.array(z.object({ name: z.string().nullish(), url: z.string().nullish() })).nullish(),
});
const sellBody = z.object({ soldBy: int64 });
/** Invoices_CreateAdjustmentInvoice (`AdjustmentInvoiceCreateRequest`). */
const invoiceCreateBody = z.object({
  adjustmentToId: int64.nullish(),
  /**
   * Sandbox extension: ServiceTitan opens a job's invoice itself when the job is booked, so an API
   * client only ever adjusts one; the world does not, so a job without an invoice is named directly.
   */
  jobId: int64.nullish(),
  number: z.string().nullish(),
  invoicedOn: dateTime.nullish(),
  subtotal: money.nullish(),
  tax: money.nullish(),
  summary: z.string().nullish(),
  exportId: z.string().nullish(),
  items: z
    .array(
      z.object({
        skuId: int64.nullish(),
        skuName: z.string().nullish(),
        description: z.string(),
        quantity: z.number().positive(),
        unitPrice: money.nullish(),
      }),
    )
    .min(1),
});

/** Decimal dollars → integer cents (the API's decimals have at most 2 places for USD). */
const cents = (dollars: number): number => Math.round(dollars * 100);
/** Decimal quantity → thousandths. */
const milli = (quantity: number): number => Math.round(quantity * 1000);

/** A body that does not parse: 400 problem details with one entry per field path (`locations[0].name`). */
function parseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; reply: (r: FastifyReply) => FastifyReply } {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('');
    const field = path === '' ? 'request' : path;
    const message =
      issue.code === 'invalid_type' && issue.input === undefined
        ? `The ${field} field is required.`
        : issue.message;
    (errors[field] ??= []).push(message);
  }
  return { ok: false, reply: (r) => sendProblem(r, problem(400, { errors })) };
}

const ms = (s: string): number => parseDateTime(s) as number;

/** The write endpoints modelled, each through WorldWriter so the vendor's rules hold. */
export function registerWriteRoutes(api: FastifyInstance, kit: PortalKit): void {
  const world = () => kit.world.world;
  const renderer = () => new ServiceTitanRenderer(world().store);
  /** A refusal as problem details; the world is unchanged (WorldWriter checks before writing). */
  const refused = <T>(
    reply: FastifyReply,
    result: WorldResult<T>,
    options: { has409: boolean; pathEntity?: string; fieldNames?: Record<string, string> },
  ): FastifyReply | undefined =>
    result.ok ? undefined : sendProblem(reply, ruleProblem(result.error, options));

  api.post<TenantRoute>('/crm/v2/tenant/:tenant/customers', async (request, reply) => {
    const body = parseBody(customerCreateBody, request.body);
    if (!body.ok) return body.reply(reply);
    const b = body.value;
    const toAddress = (a: z.infer<typeof addressBody>) => ({
      street: a.street,
      unit: a.unit ?? null,
      city: a.city,
      state: a.state.toUpperCase(),
      zip: a.zip,
      country: 'USA' as const,
      latitude: a.latitude ?? 0,
      longitude: a.longitude ?? 0,
    });
    const result = attempt(() =>
      world().writer.createCustomer({
        name: b.name,
        type: b.type ?? 'Residential',
        address: toAddress(b.address),
        doNotMail: b.doNotMail ?? false,
        doNotService: b.doNotService ?? false,
        // The API takes no tax zone: new locations get the tenant's default one.
        locations: b.locations.map((l) => ({
          name: l.name,
          address: toAddress(l.address),
          taxZoneId: ID_BASE.taxZone,
        })),
        contacts: [...(b.contacts ?? []), ...b.locations.flatMap((l) => l.contacts ?? [])].map((c) => ({
          type: c.type,
          value: c.value,
          memo: c.memo ?? null,
        })),
      }),
    );
    const r = refused(reply, result, { has409: false });
    if (r || !result.ok) return r;
    const x = renderer();
    const contacts = result.value.contacts.map((c) => {
      const { modifiedOn: _m, phoneSettings: _p, customerId: _c, ...row } = x.contact(c);
      return row;
    });
    return {
      ...x.customer(result.value.customer),
      locations: result.value.locations.map((l) => ({ ...x.location(l), contacts: [] })),
      contacts,
    };
  });

  api.post<TenantRoute>('/jpm/v2/tenant/:tenant/jobs', async (request, reply) => {
    const body = parseBody(jobCreateBody, request.body);
    if (!body.ok) return body.reply(reply);
    const b = body.value;
    // The API tags a job with the tenant's active tag types only (it creates none).
    const requested = b.tagTypeIds ?? [];
    const unknownTag = requested.findIndex(
      (id) => !SERVICETITAN_TAG_TYPES.some((t) => t.id === id && t.active),
    );
    if (unknownTag >= 0) {
      return sendProblem(
        reply,
        fieldProblem(`tagTypeIds[${unknownTag}]`, `Tag type ${requested[unknownTag]} does not exist.`),
      );
    }
    const tagTypeIds = [...new Set(requested)];
    const result = attempt(() =>
      world().writer.createJob({
        customerId: b.customerId,
        locationId: b.locationId,
        businessUnitId: b.businessUnitId,
        jobTypeId: b.jobTypeId,
        campaignId: b.campaignId,
        priority: b.priority,
        summary: b.summary ?? '',
        externalData: b.externalData?.externalData ?? [],
        appointments: b.appointments.map((a) => ({
          start: ms(a.start),
          end: ms(a.end),
          ...(a.arrivalWindowStart ? { arrivalWindowStart: ms(a.arrivalWindowStart) } : {}),
          ...(a.arrivalWindowEnd ? { arrivalWindowEnd: ms(a.arrivalWindowEnd) } : {}),
          technicianIds: a.technicianIds ?? [],
        })),
      }),
    );
    const r = refused(reply, result, {
      has409: false,
      fieldNames: { technicianIds: 'appointments.technicianIds', window: 'appointments' },
    });
    if (r || !result.ok) return r;
    annotationsOf(world().store).jobTagTypeIds.set(result.value.job.id, tagTypeIds);
    if (b.externalData) {
      annotationsOf(world().store).jobApplicationGuid.set(
        result.value.job.id,
        b.externalData.applicationGuid,
      );
    }
    return renderer().job(world().store.require('job', result.value.job.id));
  });

  const statusRoute = (action: 'cancel' | 'hold' | 'complete', status: JobStatus, has409: boolean) =>
    api.put<TenantRoute>(`/jpm/v2/tenant/:tenant/jobs/:id/${action}`, async (request, reply) => {
      const body = parseBody<unknown>(action === 'complete' ? completeBody : reasonBody, request.body);
      if (!body.ok) return body.reply(reply);
      const id = pathId(request);
      if (id === undefined || !world().store.get('job', id)) return sendProblem(reply, notFound('job'));
      if (action !== 'complete') {
        const reasons = action === 'hold' ? SERVICETITAN_JOB_HOLD_REASONS : SERVICETITAN_JOB_CANCEL_REASONS;
        const { reasonId } = body.value as z.infer<typeof reasonBody>;
        if (!reasons.some((r) => r.id === reasonId && r.active)) {
          return sendProblem(reply, fieldProblem('reasonId', `Reason ${reasonId} does not exist.`));
        }
      }
      const result = attempt(() => world().writer.setJobStatus(id, status));
      const r = refused(reply, result, { has409, pathEntity: 'job', fieldNames: { status: 'jobStatus' } });
      return r ?? reply.code(200).send();
    });
  statusRoute('cancel', 'Canceled', false);
  statusRoute('hold', 'Hold', false);
  statusRoute('complete', 'Completed', true);

  for (const [action, has409] of [
    ['assign-technicians', true],
    ['unassign-technicians', false],
  ] as const) {
    api.post<TenantRoute>(
      `/dispatch/v2/tenant/:tenant/appointment-assignments/${action}`,
      async (request, reply) => {
        const body = parseBody(assignmentBody, request.body);
        if (!body.ok) return body.reply(reply);
        const { jobAppointmentId, technicianIds } = body.value;
        const writer = world().writer;
        const result = attempt(() =>
          action === 'assign-technicians'
            ? writer.assignTechnicians(jobAppointmentId, technicianIds)
            : writer.unassignTechnicians(jobAppointmentId, technicianIds),
        );
        const r = refused(reply, result, {
          has409,
          fieldNames: { appointmentId: 'jobAppointmentId', employeeId: 'technicianIds' },
        });
        if (r) return r;
        return renderer().appointment(world().store.require('appointment', jobAppointmentId));
      },
    );
  }

  api.post<TenantRoute>('/accounting/v2/tenant/:tenant/payments', async (request, reply) => {
    const body = parseBody(paymentCreateBody, request.body);
    if (!body.ok) return body.reply(reply);
    const b = body.value;
    const store = world().store;
    const first = store.get('invoice', b.splits[0]?.invoiceId ?? 0);
    if (!first)
      return sendProblem(reply, problem(400, { errors: { 'splits[0].invoiceId': ['Invoice not found.'] } }));
    const type = store.get('paymentType', b.typeId);
    const result = attempt(() =>
      world().writer.recordPayment({
        customerId: first.customerId,
        paymentTypeId: b.typeId,
        splits: b.splits.map((s) => ({ invoiceId: s.invoiceId, amount: Math.round(s.amount * 100) })),
        ...(b.paidOn ? { paidOn: ms(b.paidOn) } : {}),
        memo: b.memo ?? null,
        // The API records card payments taken elsewhere: the sandbox keeps a placeholder card.
        ...(type?.method === 'card' ? { card: { brand: 'Visa' as const, last4: '0000' } } : {}),
        ...(b.checkNumber ? { checkNumber: b.checkNumber } : {}),
        externalTransactionId: b.authCode ?? null,
      }),
    );
    const r = refused(reply, result, {
      has409: false,
      fieldNames: { paymentTypeId: 'typeId', invoiceId: 'splits.invoiceId', amount: 'splits.amount' },
    });
    if (r || !result.ok) return r;
    const p = result.value;
    return {
      id: p.id,
      typeId: p.paymentTypeId,
      active: p.active,
      memo: p.memo,
      paidOn: new Date(p.paidOn).toISOString(),
      authCode: p.externalTransactionId,
      checkNumber: p.checkNumber,
      exportId: null,
      transactionStatus: 'Success',
      status: 'Pending',
      splits: p.splits.map((s) => ({ invoiceId: s.invoiceId, amount: s.amount / 100 })),
    };
  });

  api.patch<TenantRoute>('/jpm/v2/tenant/:tenant/appointments/:id/reschedule', async (request, reply) => {
    const body = parseBody(rescheduleBody, request.body);
    if (!body.ok) return body.reply(reply);
    const id = pathId(request);
    if (id === undefined || !world().store.get('appointment', id)) {
      return sendProblem(reply, notFound('appointment'));
    }
    const b = body.value;
    const result = attempt(() =>
      world().writer.rescheduleAppointment(id, {
        start: ms(b.start),
        end: ms(b.end),
        ...(b.arrivalWindowStart ? { arrivalWindowStart: ms(b.arrivalWindowStart) } : {}),
        ...(b.arrivalWindowEnd ? { arrivalWindowEnd: ms(b.arrivalWindowEnd) } : {}),
      }),
    );
    const r = refused(reply, result, {
      has409: true,
      pathEntity: 'appointment',
      fieldNames: { technicianIds: 'technicianIds', window: 'start' },
    });
    if (r || !result.ok) return r;
    return renderer().appointment(result.value);
  });

  api.post<TenantRoute>('/sales/v2/tenant/:tenant/estimates', async (request, reply) => {
    const body = parseBody(estimateCreateBody, request.body);
    if (!body.ok) return body.reply(reply);
    const b = body.value;
    const name = b.name?.trim() ? b.name : 'Estimate';
    const result = attempt(() =>
      world().writer.createEstimate({
        jobId: b.jobId,
        name,
        // The world's estimate has options; the API's estimate is one option whose name is the summary.
        options: [
          {
            name: b.summary?.trim() ? b.summary : name,
            items: b.items.map((item) => ({
              ...(item.skuId != null ? { pricebookItemId: item.skuId } : { type: 'Service' as const }),
              ...(item.description != null ? { description: item.description } : {}),
              ...(item.skuName != null ? { code: item.skuName } : {}),
              ...(item.unitPrice != null ? { unitPrice: cents(item.unitPrice) } : {}),
              quantityMilli: milli(item.quantity ?? 1),
            })),
          },
        ],
      }),
    );
    const r = refused(reply, result, {
      has409: false,
      fieldNames: { pricebookItemId: 'items.skuId', jobId: 'jobId' },
    });
    if (r || !result.ok) return r;
    if (b.externalLinks?.length) {
      annotationsOf(world().store).estimateLinks.set(
        result.value.id,
        b.externalLinks.map((l) => ({ name: l.name ?? null, url: l.url ?? null })),
      );
    }
    return renderer().estimate(result.value);
  });

  api.put<TenantRoute>('/sales/v2/tenant/:tenant/estimates/:id/sell', async (request, reply) => {
    const body = parseBody(sellBody, request.body);
    if (!body.ok) return body.reply(reply);
    const id = pathId(request);
    const estimate = id === undefined ? undefined : world().store.get('estimate', id);
    if (id === undefined || !estimate) return sendProblem(reply, notFound('estimate'));
    const optionId = estimate.soldOptionId ?? estimate.options[0]?.id ?? 0;
    const result = attempt(() => world().writer.sellEstimate(id, optionId, body.value.soldBy));
    const r = refused(reply, result, {
      has409: false,
      pathEntity: 'estimate',
      fieldNames: { employeeId: 'soldBy', status: 'status' },
    });
    if (r || !result.ok) return r;
    return renderer().estimate(result.value);
  });

  api.post<TenantRoute>('/accounting/v2/tenant/:tenant/invoices', async (request, reply) => {
    const body = parseBody(invoiceCreateBody, request.body);
    if (!body.ok) return body.reply(reply);
    const b = body.value;
    const store = world().store;
    let jobId = b.jobId ?? undefined;
    if (b.adjustmentToId != null) {
      const original = store.get('invoice', b.adjustmentToId);
      if (!original || original.deletedOn !== null) {
        return sendProblem(reply, fieldProblem('adjustmentToId', 'Invoice not found.'));
      }
      jobId = original.jobId;
    }
    if (jobId === undefined) {
      return sendProblem(reply, fieldProblem('adjustmentToId', 'The adjustmentToId field is required.'));
    }
    // Negative prices are price modifiers: the world keeps them as discounts.
    const lines = b.items.filter((item) => (item.unitPrice ?? 0) >= 0);
    const discounts = b.items
      .filter((item) => (item.unitPrice ?? 0) < 0)
      .map((item) => ({
        description: item.description,
        amount: Math.round((-(item.unitPrice ?? 0) * 100 * milli(item.quantity)) / 1000),
        taxable: false,
      }));
    const invoiceJobId = jobId;
    const result = attempt(() =>
      world().writer.createInvoice({
        jobId: invoiceJobId,
        items: lines.map((item) => ({
          ...(item.skuId != null ? { pricebookItemId: item.skuId } : { type: 'Service' as const }),
          description: item.description,
          ...(item.skuName != null ? { code: item.skuName } : {}),
          ...(item.unitPrice != null ? { unitPrice: cents(item.unitPrice) } : {}),
          quantityMilli: milli(item.quantity),
        })),
        discounts,
        // The adjustment-invoice create takes subtotal and tax as the client computed them: the
        // subtotal must be what the items come to, the tax is stored as given (no tax-zone lookup).
        ...(b.subtotal != null ? { expectedSubTotal: cents(b.subtotal) } : {}),
        ...(b.tax != null ? { taxOverride: cents(b.tax) } : {}),
      }),
    );
    const r = refused(reply, result, {
      has409: false,
      fieldNames: {
        pricebookItemId: 'items.skuId',
        jobId: 'adjustmentToId',
        subTotal: 'subtotal',
        salesTax: 'tax',
      },
    });
    if (r || !result.ok) return r;
    annotationsOf(store).invoiceSummary.set(result.value.id, {
      summary: b.summary ?? null,
      exportId: b.exportId ?? null,
    });
    // The operation answers with the new invoice's id.
    return result.value.id;
  });
}
