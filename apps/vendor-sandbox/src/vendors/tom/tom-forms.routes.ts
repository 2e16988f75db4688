import {
  TomPeriodLockedError,
  WorldRuleError,
  tomLocalDate,
  type JobStatus,
  type World,
  type WorldAddress,
} from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formField } from '../../portal/form-field.util';
import { escapeHtml, renderPage } from '../../portal/html.util';
import type { PortalKit } from '../../portal/portal.types';
import { parseTomDate, parseTomDateTime } from './tom-format.util';

/**
 * A refusal TOM shows in the re-rendered form: its message beside the field (`data-field`), and for a
 * closed accounting period `data-code="period_locked"`.
 */
class FormRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly code: 'invalid' | 'period_locked' | 'not_found' = 'invalid',
  ) {
    super(message);
  }
}

interface FormSpec {
  readonly path: string;
  readonly title: string;
  /** Field name → label; every field is a text input. */
  readonly fields: readonly (readonly [string, string])[];
  /** Applies the form; returns where the browser goes next. Throws FormRefusal / WorldRuleError. */
  readonly submit: (world: World, value: (name: string) => string, params: Record<string, string>) => string;
}

const WORK_ORDER_STATUSES: Readonly<Record<string, JobStatus>> = {
  Scheduled: 'Scheduled',
  'In Progress': 'InProgress',
  'On Hold': 'Hold',
  Completed: 'Completed',
  Canceled: 'Canceled',
};

const METHODS = { Cash: 'cash', Check: 'check', 'Credit Card': 'card', ACH: 'ach' } as const;

function required(value: (name: string) => string, name: string, label: string): string {
  const v = value(name).trim();
  if (v === '') throw new FormRefusal(name, `${label} is required.`);
  return v;
}

function money(value: (name: string) => string, name: string, label: string): number {
  const text = required(value, name, label).replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(text) || Number(text) <= 0)
    throw new FormRefusal(name, `${label} must be an amount greater than zero.`);
  const [whole = '0', cents = ''] = text.split('.');
  return Number(whole) * 100 + Number(cents.padEnd(2, '0'));
}

/** A posting date on the form (`M/D/YYYY`, default today) that must fall in an open period. */
function postingDate(world: World, value: (name: string) => string, name: string): string {
  const text = value(name).trim();
  const date = text === '' ? tomLocalDate(world.clock.now()) : parseTomDate(text);
  if (!date) throw new FormRefusal(name, `${name} must be a date (M/D/YYYY).`);
  if (date > tomLocalDate(world.clock.now())) throw new FormRefusal(name, `${name} cannot be in the future.`);
  try {
    world.tom.assertOpen(date);
  } catch (error) {
    if (error instanceof TomPeriodLockedError) throw new FormRefusal(name, error.message, 'period_locked');
    throw error;
  }
  return date;
}

function ids(text: string, name: string): number[] {
  if (text.trim() === '') return [];
  return text.split(/[;,]/).map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n <= 0) throw new FormRefusal(name, `${name} must list employee ids.`);
    return n;
  });
}

function workOrderOf(world: World, number: string) {
  const job = [...world.store.all('job')].find((j) => j.jobNumber === number && j.deletedOn === null);
  if (!job) throw new FormRefusal('WO #', `Work order ${number} was not found.`, 'not_found');
  return job;
}

function technicians(world: World, list: number[], field: string): number[] {
  for (const id of list) {
    const e = world.store.get('employee', id);
    if (!e || e.deletedOn !== null || e.role !== 'Technician')
      throw new FormRefusal(field, `Employee ${String(id)} is not a technician.`);
  }
  return list;
}

function window(value: (name: string) => string): { start: number; end: number } | undefined {
  const text = value('Start').trim();
  if (text === '') return undefined;
  const start = parseTomDateTime(text);
  if (start === undefined)
    throw new FormRefusal('Start', 'Start must be a date and time (M/D/YYYY h:mm AM).');
  const minutes = Number(value('Duration').trim() || '60');
  if (!Number.isInteger(minutes) || minutes < 15 || minutes > 24 * 60)
    throw new FormRefusal('Duration', 'Duration must be whole minutes from 15 to 1440.');
  return { start, end: start + minutes * 60_000 };
}

const FORMS: readonly FormSpec[] = [
  {
    path: '/Customers/New',
    title: 'New Customer',
    fields: [
      ['Name', 'Customer'],
      ['Type', 'Type (Residential or Commercial)'],
      ['Phone', 'Phone'],
      ['Email', 'Email'],
      ['Street', 'Street'],
      ['City', 'City'],
      ['State', 'State'],
      ['Zip', 'Zip'],
      ['JobName', 'First job name'],
      ['Memo', 'Memo'],
    ],
    submit(world, value) {
      const name = required(value, 'Name', 'Customer');
      if (name.includes(':')) throw new FormRefusal('Name', 'Customer cannot contain a colon (:).');
      const type = value('Type').trim() || 'Residential';
      if (type !== 'Residential' && type !== 'Commercial')
        throw new FormRefusal('Type', 'Type must be Residential or Commercial.');
      const state = required(value, 'State', 'State').toUpperCase();
      if (!/^[A-Z]{2}$/.test(state)) throw new FormRefusal('State', 'State must be two letters.');
      const zip = required(value, 'Zip', 'Zip');
      if (!/^\d{5}$/.test(zip)) throw new FormRefusal('Zip', 'Zip must be five digits.');
      const email = value('Email').trim();
      if (email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new FormRefusal('Email', 'Email is not a valid address.');
      const address: WorldAddress = {
        street: required(value, 'Street', 'Street'),
        unit: null,
        city: required(value, 'City', 'City'),
        state,
        zip,
        country: 'USA',
        latitude: 30.27,
        longitude: -97.74,
      };
      const zone = [...world.store.all('taxZone')][0];
      if (!zone) throw new Error('the world has no tax zone');
      const phone = value('Phone').trim();
      const created = world.writer.createCustomer({
        name,
        type,
        address,
        locations: [{ name: value('JobName').trim() || 'Main', address, taxZoneId: zone.id }],
        contacts: [
          ...(phone ? [{ type: 'Phone' as const, value: phone }] : []),
          ...(email ? [{ type: 'Email' as const, value: email }] : []),
        ],
      });
      world.tom.setMemo('customer', created.customer.id, value('Memo').trim());
      return `/Customers/${String(created.customer.id)}`;
    },
  },
  {
    path: '/WorkOrders/New',
    title: 'New Work Order',
    fields: [
      ['JobID', 'Customer:Job (job id)'],
      ['Description', 'Description'],
      ['Type', 'Type'],
      ['Department', 'Department'],
      ['Priority', 'Priority'],
      ['Start', 'Start (M/D/YYYY h:mm AM)'],
      ['Duration', 'Duration (min)'],
      ['TechnicianIDs', 'Assigned to (employee ids)'],
      ['UDF1', 'User Defined 1'],
      ['Notes', 'Notes'],
    ],
    submit(world, value) {
      const jobId = Number(required(value, 'JobID', 'Customer:Job'));
      const location = Number.isInteger(jobId) ? world.store.get('location', jobId) : undefined;
      if (!location || location.deletedOn !== null)
        throw new FormRefusal('JobID', 'Customer:Job was not found.', 'not_found');
      const typeName = required(value, 'Type', 'Type');
      const jobType = [...world.store.all('jobType')].find(
        (t) => t.name === typeName && t.deletedOn === null,
      );
      if (!jobType) throw new FormRefusal('Type', `Type ${typeName} is not a work order type.`);
      const departmentName = value('Department').trim();
      const department = departmentName
        ? [...world.store.all('businessUnit')].find((b) => b.name === departmentName)
        : [...world.store.all('businessUnit')][0];
      if (!department) throw new FormRefusal('Department', `Department ${departmentName} does not exist.`);
      const priority = value('Priority').trim() || 'Normal';
      if (!['Low', 'Normal', 'High', 'Urgent'].includes(priority))
        throw new FormRefusal('Priority', 'Priority must be Low, Normal, High or Urgent.');
      const campaign = [...world.store.all('campaign')][0];
      if (!campaign) throw new Error('the world has no campaign');
      const slot = window(value);
      const techs = technicians(world, ids(value('TechnicianIDs'), 'TechnicianIDs'), 'TechnicianIDs');
      if (!slot) throw new FormRefusal('Start', 'Start is required: a work order is booked for a time.');
      const udf = value('UDF1').trim();
      const job = world.writer.createJob({
        customerId: location.customerId,
        locationId: location.id,
        businessUnitId: department.id,
        jobTypeId: jobType.id,
        campaignId: campaign.id,
        priority: priority as 'Low' | 'Normal' | 'High' | 'Urgent',
        summary: value('Description').trim(),
        externalData: udf ? [{ key: 'UDF1', value: udf }] : [],
        appointments: [{ ...slot, technicianIds: techs, specialInstructions: value('Notes').trim() || null }],
      });
      return `/WorkOrders/${job.job.jobNumber}`;
    },
  },
  {
    path: '/WorkOrders/:number/Dispatch',
    title: 'Dispatch Work Order',
    fields: [
      ['Start', 'Start (M/D/YYYY h:mm AM)'],
      ['Duration', 'Duration (min)'],
      ['TechnicianIDs', 'Assigned to (employee ids)'],
    ],
    submit(world, value, params) {
      const job = workOrderOf(world, params['number'] ?? '');
      const slot = window(value);
      const techs = technicians(world, ids(value('TechnicianIDs'), 'TechnicianIDs'), 'TechnicianIDs');
      const [visit] = world.writer.openAppointments(job.id).sort((a, b) => a.start - b.start);
      let appointmentId: number;
      if (visit) {
        if (slot) world.writer.rescheduleAppointment(visit.id, slot);
        appointmentId = visit.id;
      } else {
        if (!slot) throw new FormRefusal('Start', 'Start is required for a work order without a visit.');
        appointmentId = world.writer.addAppointment(job.id, { ...slot, technicianIds: [] }).id;
      }
      const current = world.writer.activeAssignments(appointmentId).map((a) => a.technicianId);
      const gone = current.filter((id) => !techs.includes(id));
      const added = techs.filter((id) => !current.includes(id));
      if (gone.length > 0) world.writer.unassignTechnicians(appointmentId, gone);
      if (added.length > 0) world.writer.assignTechnicians(appointmentId, added);
      const appointment = world.store.get('appointment', appointmentId);
      if (techs.length > 0 && appointment?.status === 'Scheduled')
        world.writer.setAppointmentStatus(appointmentId, 'Dispatched');
      return `/WorkOrders/${job.jobNumber}`;
    },
  },
  {
    path: '/WorkOrders/:number/Status',
    title: 'Work Order Status',
    fields: [
      ['Status', 'Status'],
      ['Reason', 'Reason'],
    ],
    submit(world, value, params) {
      const job = workOrderOf(world, params['number'] ?? '');
      const wanted = required(value, 'Status', 'Status');
      const status = WORK_ORDER_STATUSES[wanted];
      if (!status) throw new FormRefusal('Status', `Status ${wanted} is not a work order status.`);
      const reason = value('Reason').trim();
      if ((status === 'Canceled' || status === 'Hold') && reason === '')
        throw new FormRefusal('Reason', `Reason is required to put a work order ${wanted}.`);
      if (job.status !== status) world.writer.setJobStatus(job.id, status);
      world.tom.setMemo('job', job.id, reason);
      return `/WorkOrders/${job.jobNumber}`;
    },
  },
  {
    path: '/Invoices/New',
    title: 'New Invoice',
    fields: [
      ['WorkOrder', 'WO #'],
      ['Date', 'Date'],
      ['Items', 'Items (item id x quantity; …)'],
      ['Memo', 'Memo'],
    ],
    submit(world, value) {
      const job = workOrderOf(world, required(value, 'WorkOrder', 'WO #'));
      const date = postingDate(world, value, 'Date');
      const lines = required(value, 'Items', 'Items')
        .split(';')
        .map((part) => {
          const m = /^\s*(\d+)\s*(?:x\s*(\d+(?:\.\d{1,3})?))?\s*$/.exec(part);
          if (!m) throw new FormRefusal('Items', `Items: "${part.trim()}" is not item id x quantity.`);
          return { pricebookItemId: Number(m[1]), quantityMilli: Math.round(Number(m[2] ?? '1') * 1000) };
        });
      const invoice = world.writer.createInvoice({ jobId: job.id, items: lines });
      world.tom.setInvoiceDate(invoice.id, date);
      world.tom.setMemo('invoice', invoice.id, value('Memo').trim());
      return `/Invoices/${encodeURIComponent(invoice.referenceNumber)}`;
    },
  },
  {
    path: '/Payments/New',
    title: 'Receive Payment',
    fields: [
      ['Invoice', 'Invoice #'],
      ['Amount', 'Amount'],
      ['Date', 'Date'],
      ['Method', 'Method (Cash, Check, Credit Card, ACH)'],
      ['Reference', 'Check #'],
      ['Memo', 'Memo'],
    ],
    submit(world, value) {
      const number = required(value, 'Invoice', 'Invoice #');
      const invoice = [...world.store.all('invoice')].find(
        (i) => i.referenceNumber === number && i.deletedOn === null,
      );
      if (!invoice) throw new FormRefusal('Invoice', `Invoice ${number} was not found.`, 'not_found');
      const amount = money(value, 'Amount', 'Amount');
      const date = postingDate(world, value, 'Date');
      if (amount > invoice.balance)
        throw new FormRefusal('Amount', 'Amount is more than the invoice balance.');
      const methodName = (value('Method').trim() || 'Cash') as keyof typeof METHODS;
      const method = METHODS[methodName];
      if (!method) throw new FormRefusal('Method', `Method ${methodName} is not a payment method.`);
      if (method === 'card')
        throw new FormRefusal('Method', 'Credit cards are charged in TOM Pay, not here.');
      const type = [...world.store.all('paymentType')].find(
        (t) => t.method === method && t.deletedOn === null,
      );
      if (!type) throw new FormRefusal('Method', `Method ${methodName} is not set up.`);
      const reference = value('Reference').trim();
      const today = tomLocalDate(world.clock.now()) === date;
      const payment = world.writer.recordPayment({
        customerId: invoice.customerId,
        paymentTypeId: type.id,
        splits: [{ invoiceId: invoice.id, amount }],
        paidOn: today ? world.clock.now() : Date.parse(`${date}T18:00:00Z`),
        memo: value('Memo').trim() || null,
        ...(method === 'check' && reference ? { checkNumber: reference } : {}),
      });
      return `/Payments/${String(payment.id)}`;
    },
  },
];

function renderForm(
  spec: FormSpec,
  action: string,
  csrf: string,
  values: Record<string, string>,
  refusal?: FormRefusal,
): string {
  const summary = refusal
    ? `<div class="validation-summary-errors" role="alert"><ul><li data-field="${escapeHtml(refusal.field)}" data-code="${refusal.code}">${escapeHtml(refusal.message)}</li></ul></div>`
    : '';
  const inputs = spec.fields
    .map(
      ([name, label]) =>
        `<label for="${name}">${escapeHtml(label)}</label><input id="${name}" name="${name}" value="${escapeHtml(values[name] ?? '')}">${
          refusal?.field === name
            ? `<span class="field-validation-error" data-valmsg-for="${name}">${escapeHtml(refusal.message)}</span>`
            : ''
        }`,
    )
    .join('\n');
  return `${summary}
<form method="post" action="${escapeHtml(action)}" id="editForm">
<input type="hidden" name="__RequestVerificationToken" value="${escapeHtml(csrf)}">
${inputs}
<button type="submit" id="btnSave">Save</button>
</form>`;
}

/**
 * TOM's entry screens as HTML forms: new customer, new work order (with its window, technicians and
 * User Defined 1), dispatch, status, new invoice and receive payment. Each posts with the session's
 * anti-forgery token and answers 303 to the record's detail page; a refusal re-renders the form (400)
 * with the message in the validation summary and beside its field. A document dated in a closed
 * accounting period is refused with TOM's message (`data-code="period_locked"`, the date field named).
 */
export function registerTomForms(scope: FastifyInstance, kit: PortalKit): void {
  const send = (reply: FastifyReply, status: number, spec: FormSpec, body: string) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(renderPage({ title: `${spec.title} - Total Office Manager`, heading: spec.title, body }));
  const actionOf = (request: FastifyRequest) => request.url.split('?')[0] ?? request.url;

  for (const spec of FORMS) {
    scope.get<{ Params: Record<string, string> }>(spec.path, async (request, reply) =>
      send(reply, 200, spec, renderForm(spec, actionOf(request), request.portalSession?.csrfToken ?? '', {})),
    );
    scope.post<{ Params: Record<string, string> }>(spec.path, async (request, reply) => {
      const values = Object.fromEntries(spec.fields.map(([name]) => [name, formField(request, name) ?? '']));
      const csrf = request.portalSession?.csrfToken ?? '';
      try {
        const location = spec.submit(kit.world.world, (name) => values[name] ?? '', request.params);
        return reply.redirect(location, 303);
      } catch (error) {
        let refusal: FormRefusal | undefined;
        if (error instanceof FormRefusal) refusal = error;
        else if (error instanceof WorldRuleError) refusal = new FormRefusal('', error.message);
        if (!refusal) throw error;
        kit.logger.info({ form: spec.path, field: refusal.field, code: refusal.code }, 'form refused');
        const status = refusal.code === 'not_found' ? 404 : 400;
        return send(reply, status, spec, renderForm(spec, actionOf(request), csrf, values, refusal));
      }
    });
  }
}
