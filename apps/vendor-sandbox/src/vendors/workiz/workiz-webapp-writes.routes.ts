import { WorldRuleError, type World, type WorldAddress } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PortalKit } from '../../portal/portal.types';
import { idOfUuid, renderClient, renderEstimate, renderInvoice } from './workiz.renderer';

/**
 * What the web app writes that the Developer API cannot (vendors.md §4: clients, invoices and estimates
 * have no API): the forms' JSON posts behind the session and its `X-CSRF-Token`, snake_case, money in
 * dollars. `POST /ajaxc/clients/create/`, `POST /ajaxc/estimates/create/`, `POST /ajaxc/invoices/create/`,
 * `POST /ajaxc/team/update/` (a rename)
 * answer `{status: 'ok', <record>}` in the lists' shape, or `{status: 'error', error, field}` (400) naming
 * the field; a refused write changes nothing.
 */

const dollars = z
  .number()
  .nonnegative()
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most two decimal places');
const line = z
  .object({
    item_id: z.number().int().positive().optional(),
    name: z.string().trim().min(1).max(500).optional(),
    type: z.enum(['service', 'material', 'equipment']).optional(),
    qty: z.number().positive().max(100_000).default(1),
    price: dollars.optional(),
    taxable: z.boolean().optional(),
  })
  .strict()
  .refine((l) => l.item_id !== undefined || (l.name !== undefined && l.price !== undefined), {
    message: 'a line needs item_id, or name and price',
  });
const address = z
  .object({
    address: z.string().trim().min(1).max(500),
    unit: z.string().max(100).optional(),
    city: z.string().trim().min(1).max(200),
    state: z.string().regex(/^[A-Z]{2}$/, 'state must be two capital letters'),
    zip: z.string().regex(/^\d{5}$/, 'zip must be 5 digits'),
  })
  .strict();
const clientBody = z
  .object({
    first_name: z.string().trim().max(200).optional(),
    last_name: z.string().trim().max(200).optional(),
    company: z.string().trim().max(500).optional(),
    phone: z.string().max(64).optional(),
    email: z.email().optional(),
    billing_address: address,
    service_locations: z
      .array(address.extend({ name: z.string().max(500).optional() }).strict())
      .max(50)
      .optional(),
  })
  .strict()
  .refine((c) => !!(c.first_name || c.last_name || c.company), {
    message: 'a name or a company is required',
  });
const estimateBody = z
  .object({
    job_uuid: z.string().min(1),
    name: z.string().trim().min(1).max(500),
    options: z
      .array(
        z.object({ name: z.string().trim().min(1).max(200), items: z.array(line).min(1).max(500) }).strict(),
      )
      .min(1)
      .max(5),
  })
  .strict();
const invoiceBody = z
  .object({
    job_uuid: z.string().min(1),
    items: z.array(line).min(1).max(500),
    due_days: z.number().int().min(0).max(365).optional(),
  })
  .strict();

const teamUpdateBody = z
  .object({ user_id: z.number().int().positive(), name: z.string().trim().min(1).max(200) })
  .strict();

const LINE_TYPES = { service: 'Service', material: 'Material', equipment: 'Equipment' } as const;

function lineInput(l: z.infer<typeof line>) {
  return {
    ...(l.item_id !== undefined ? { pricebookItemId: l.item_id } : {}),
    ...(l.type !== undefined
      ? { type: LINE_TYPES[l.type] }
      : l.item_id === undefined
        ? { type: 'Service' as const }
        : {}),
    ...(l.name !== undefined ? { description: l.name } : {}),
    ...(l.price !== undefined ? { unitPrice: Math.round(l.price * 100) } : {}),
    ...(l.taxable !== undefined ? { taxable: l.taxable } : {}),
    quantityMilli: Math.round(l.qty * 1000),
  };
}

function worldAddress(a: z.infer<typeof address>): WorldAddress {
  return {
    street: a.address,
    unit: a.unit?.trim() || null,
    city: a.city,
    state: a.state,
    zip: a.zip,
    country: 'USA',
    latitude: 30.27,
    longitude: -97.74,
  };
}

export function registerWorkizWebAppWrites(scope: FastifyInstance, kit: PortalKit): void {
  const refuse = (reply: FastifyReply, error: string, field?: string) =>
    reply.code(400).send({ status: 'error', error, ...(field === undefined ? {} : { field }) });
  const invalid = (reply: FastifyReply, e: z.ZodError) => {
    const issue = e.issues[0];
    const field = issue?.path.join('.') ?? '';
    return refuse(reply, `${field || 'body'}: ${issue?.message ?? 'invalid'}`, field || undefined);
  };
  const ruled = (reply: FastifyReply, write: () => Record<string, unknown>) => {
    try {
      return { status: 'ok', ...write() };
    } catch (error) {
      if (error instanceof WorldRuleError) return refuse(reply, error.message);
      if (error instanceof RangeError) return refuse(reply, error.message);
      throw error;
    }
  };
  const world = (): World => kit.world.world;
  const jobOf = (w: World, uuid: string) => {
    const id = idOfUuid(uuid);
    const job = id === null ? undefined : w.store.get('job', id);
    if (!job || job.deletedOn !== null) throw new RangeError(`job_uuid: no job ${uuid}`);
    return job;
  };

  scope.post('/ajaxc/clients/create/', async (request, reply) => {
    const body = clientBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const w = world();
    return ruled(reply, () => {
      const b = body.data;
      const taxZone = [...w.store.all('taxZone')][0];
      if (!taxZone) throw new RangeError('the account has no tax zone');
      const sites = b.service_locations?.length
        ? b.service_locations
        : [{ ...b.billing_address, name: undefined }];
      const name = [b.first_name, b.last_name].filter(Boolean).join(' ') || b.company || '';
      const created = w.writer.createCustomer({
        name,
        type: b.company && !b.first_name && !b.last_name ? 'Commercial' : 'Residential',
        address: worldAddress(b.billing_address),
        locations: sites.map((s) => ({
          ...(s.name ? { name: s.name } : {}),
          address: worldAddress(s),
          taxZoneId: taxZone.id,
        })),
        contacts: [
          ...(b.phone ? [{ type: 'MobilePhone' as const, value: b.phone.replace(/\D/g, '') }] : []),
          ...(b.email ? [{ type: 'Email' as const, value: b.email }] : []),
        ],
      });
      return { client: renderClient(w, created.customer) };
    });
  });

  // Settings → Team: a rename; jobs already assigned keep showing the old name (vendors.md §6.6).
  scope.post('/ajaxc/team/update/', async (request, reply) => {
    const body = teamUpdateBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const w = world();
    return ruled(reply, () => {
      const employee = w.workiz.renameTeamMember(body.data.user_id, body.data.name);
      return { user: { user_id: employee.id, name: w.workiz.teamName(employee) } };
    });
  });

  scope.post('/ajaxc/estimates/create/', async (request, reply) => {
    const body = estimateBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const w = world();
    return ruled(reply, () => {
      const job = jobOf(w, body.data.job_uuid);
      const estimate = w.writer.createEstimate({
        jobId: job.id,
        name: body.data.name,
        options: body.data.options.map((o) => ({ name: o.name, items: o.items.map(lineInput) })),
      });
      return { estimate: renderEstimate(w, estimate) };
    });
  });

  scope.post('/ajaxc/invoices/create/', async (request, reply) => {
    const body = invoiceBody.safeParse(request.body);
    if (!body.success) return invalid(reply, body.error);
    const w = world();
    return ruled(reply, () => {
      const job = jobOf(w, body.data.job_uuid);
      const invoice = w.writer.createInvoice({
        jobId: job.id,
        items: body.data.items.map(lineInput),
        ...(body.data.due_days !== undefined ? { dueDays: body.data.due_days } : {}),
      });
      return { invoice: renderInvoice(w, invoice) };
    });
  });
}
