import {
  WorldRuleCode,
  WorldRuleError,
  type NewLineInput,
  type PaymentMethod,
  type StoredRecord,
  type WorldAddress,
  type WorldEntity,
} from '@fieldsync/sandbox-world';
import type { JobberContext } from './jobber.context';
import { JOBBER_QUOTE_LINK } from './jobber.mapper';
import { parseDateTime } from './jobber-datetime.util';
import { decodeId } from './jobber-encoded-id.util';
import type { ResolverMap } from './jobber.resolvers';

/**
 * Jobber's mutations over the world's writer and rules. Every failure a user can cause (a missing
 * field, an unknown id, a rule the vendor enforces: double booking, a closed job or visit, an amount
 * over the balance) is a `userErrors` entry with HTTP 200 and nothing written: every input is checked
 * before the first write, and the writer refuses before writing.
 */
interface UserError {
  message: string;
  path: string[];
}

class MutationRefused extends Error {
  constructor(readonly userErrors: UserError[]) {
    super(userErrors.map((e) => e.message).join('; '));
  }
}

const refuse = (message: string, ...path: string[]): never => {
  throw new MutationRefused([{ message, path }]);
};

/** Runs a mutation: its payload, or `{ <key>: null, userErrors }` when refused. */
function mutate(key: string, arg: string, fn: () => object): object {
  try {
    return { ...fn(), userErrors: [] };
  } catch (err) {
    if (err instanceof MutationRefused) return { [key]: null, userErrors: err.userErrors };
    if (err instanceof WorldRuleError) {
      const field = err.details['field'];
      return {
        [key]: null,
        userErrors: [{ message: friendly(err), path: typeof field === 'string' ? [arg, field] : [arg] }],
      };
    }
    throw err;
  }
}

function friendly(err: WorldRuleError): string {
  switch (err.code) {
    case WorldRuleCode.TechnicianDoubleBooked:
      return `User is already booked at that time (${err.message})`;
    case WorldRuleCode.JobClosed:
    case WorldRuleCode.AppointmentClosed:
      return `Cannot change a closed record (${err.message})`;
    default:
      return err.message;
  }
}

function idOf(value: unknown, type: string, ...path: string[]): number {
  const id = typeof value === 'string' ? decodeId(value, type) : undefined;
  return id ?? refuse(`${path[path.length - 1] ?? 'id'} is not a valid ${type} id`, ...path);
}

const dollarsToCents = (value: number): number => Math.round(value * 100);

interface AddressInput {
  street1?: string | null;
  street2?: string | null;
  city?: string | null;
  province?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

/** A Jobber address → the world's (US addresses only; the world needs street, city, state and ZIP). */
function worldAddress(input: AddressInput | null | undefined, ...path: string[]): WorldAddress {
  if (!input) return refuse('Address is required', ...path);
  const { street1, city, province, postalCode } = input;
  if (!street1) refuse('Street is required', ...path, 'street1');
  if (!city) refuse('City is required', ...path, 'city');
  if (!province || !/^[A-Za-z]{2}$/.test(province))
    refuse('Province must be a two-letter state code', ...path, 'province');
  if (!postalCode || !/^\d{5}$/.test(postalCode))
    refuse('Postal code must be 5 digits', ...path, 'postalCode');
  return {
    street: street1 as string,
    unit: input.street2 ?? null,
    city: city as string,
    state: (province as string).toUpperCase(),
    zip: postalCode as string,
    country: 'USA',
    // Not geocoded: the centre of Austin.
    latitude: 30.2672,
    longitude: -97.7431,
  };
}

function firstUsable<E extends WorldEntity>(ctx: JobberContext, entity: E): StoredRecord<E> {
  for (const r of ctx.world.store.all(entity)) if (r.active && r.deletedOn === null) return r;
  throw new Error(`the world has no usable ${entity}`);
}

interface LineInput {
  name?: string | null;
  description?: string | null;
  quantity?: number | null;
  unitPrice?: number | null;
  taxable?: boolean | null;
  productOrServiceId?: string | null;
}

function lines(input: readonly LineInput[] | null | undefined, ...path: string[]): NewLineInput[] {
  if (!input || input.length === 0) return refuse('At least one line item is required', ...path);
  return input.map((line, i) => {
    const at = [...path, String(i)];
    const pricebookItemId =
      line.productOrServiceId != null
        ? idOf(line.productOrServiceId, 'ProductOrService', ...at, 'productOrServiceId')
        : undefined;
    if (pricebookItemId === undefined && (!line.name || line.unitPrice == null)) {
      refuse('A line item needs a name and a unit price, or a product or service', ...at);
    }
    const quantity = line.quantity ?? 1;
    if (!(quantity > 0)) refuse('Quantity must be greater than 0', ...at, 'quantity');
    return {
      ...(pricebookItemId === undefined ? { type: 'Service' as const } : { pricebookItemId }),
      ...(line.name ? { description: line.name } : {}),
      ...(line.unitPrice != null ? { unitPrice: dollarsToCents(line.unitPrice) } : {}),
      ...(line.taxable != null ? { taxable: line.taxable } : {}),
      quantityMilli: Math.round(quantity * 1000),
    };
  });
}

function dateTime(value: unknown, ...path: string[]): number | undefined {
  if (value === null || value === undefined) return undefined;
  return (
    (typeof value === 'string' ? parseDateTime(value) : undefined) ?? refuse('Invalid date-time', ...path)
  );
}

/**
 * `jobCreate(input: {quoteId})`: the quote to convert, checked before anything is written. Jobber converts
 * an open or approved quote once, into a job at the quote's property.
 */
function convertibleQuote(ctx: JobberContext, value: unknown, locationId: number): StoredRecord<'estimate'> {
  const id = idOf(value, 'Quote', 'input', 'quoteId');
  const quote = ctx.world.store.get('estimate', id);
  if (!quote || !ctx.mapper.isEstimateVisible(quote)) return refuse('Quote not found', 'input', 'quoteId');
  if (quote.status === 'Dismissed') refuse('An archived quote cannot be converted', 'input', 'quoteId');
  if (quote.locationId !== locationId) refuse('The quote is for another property', 'input', 'quoteId');
  const converted = ctx.mapper.convertedJobOf(quote.id);
  if (converted !== undefined) {
    refuse(`The quote has already been converted to job #${converted.jobNumber}`, 'input', 'quoteId');
  }
  return quote;
}

/** Longest tag label Jobber keeps. */
const MAX_TAG_LENGTH = 100;

/**
 * `clientEdit`'s `tagsToDelete` then `tagsToAdd` applied to the client's tags (labels as given, trimmed;
 * one already there is kept once), or undefined when the input touches no tag.
 */
function editedTags(current: readonly string[], input: Input): string[] | undefined {
  const toAdd = (input['tagsToAdd'] as string[] | null | undefined) ?? [];
  const toDelete = (input['tagsToDelete'] as string[] | null | undefined) ?? [];
  if (toAdd.length === 0 && toDelete.length === 0) return undefined;
  toAdd.forEach((tag, i) => {
    if (tag.trim() === '') refuse('Tag cannot be blank', 'input', 'tagsToAdd', String(i));
    if (tag.trim().length > MAX_TAG_LENGTH) {
      refuse(`Tag is too long (maximum is ${MAX_TAG_LENGTH} characters)`, 'input', 'tagsToAdd', String(i));
    }
  });
  const deleted = new Set(toDelete.map((t) => t.trim()));
  const kept = current.filter((t) => !deleted.has(t));
  return [...new Set([...kept, ...toAdd.map((t) => t.trim())])];
}

const METHOD_OF: Readonly<Record<string, PaymentMethod>> = {
  CREDIT_CARD: 'card',
  JOBBER_PAYMENTS: 'card',
  BANK_TRANSFER: 'ach',
  CASH: 'cash',
  CHEQUE: 'check',
};

type Input = Record<string, unknown>;

export const mutationResolvers: ResolverMap = {
  Mutation: {
    clientCreate: (_s, args, ctx) =>
      mutate('client', 'input', () => {
        const input = args['input'] as Input;
        const first = (input['firstName'] as string | null) ?? '';
        const last = (input['lastName'] as string | null) ?? '';
        const company = (input['companyName'] as string | null) ?? '';
        if (!first && !last && !company) {
          refuse('Client must have a first name, last name or company name', 'input', 'firstName');
        }
        const isCompany = (input['isCompany'] as boolean | null) ?? (company !== '' && !first && !last);
        const address = worldAddress(input['billingAddress'] as AddressInput, 'input', 'billingAddress');
        const emails = ((input['emails'] as { address: string }[] | null) ?? []).map((e) => ({
          type: 'Email' as const,
          value: e.address,
        }));
        const phones = ((input['phones'] as { number: string }[] | null) ?? []).map((p) => ({
          type: 'Phone' as const,
          value: p.number,
        }));
        const { customer } = ctx.world.writer.createCustomer({
          name: isCompany ? company : `${first} ${last}`.trim(),
          type: isCompany ? 'Commercial' : 'Residential',
          address,
          // The world keeps every client at a location: the billing address becomes its first property.
          locations: [{ address, taxZoneId: firstUsable(ctx, 'taxZone').id }],
          contacts: [...emails, ...phones],
        });
        return { client: ctx.mapper.client(customer) };
      }),

    clientEdit: (_s, args, ctx) =>
      mutate('client', 'input', () => {
        const id = idOf(args['clientId'], 'Client', 'clientId');
        const current = ctx.world.writer.rules.assertUsable('customer', id, { allowInactive: true });
        const input = args['input'] as Input;
        const before = ctx.mapper.client(current);
        const company = (input['companyName'] as string | null | undefined) ?? before.companyName ?? '';
        const first = (input['firstName'] as string | null | undefined) ?? before.firstName;
        const last = (input['lastName'] as string | null | undefined) ?? before.lastName;
        const isCompany = (input['isCompany'] as boolean | null | undefined) ?? before.isCompany;
        const name = isCompany ? company : `${first} ${last}`.trim();
        if (!name) refuse('Client must have a first name, last name or company name', 'input');
        const billing = input['billingAddress'] as AddressInput | null | undefined;
        const tags = editedTags(current.tags ?? [], input);
        const updated = ctx.world.writer.updateCustomer(id, {
          name,
          type: isCompany ? 'Commercial' : 'Residential',
          ...(billing ? { address: worldAddress(billing, 'input', 'billingAddress') } : {}),
          ...(tags === undefined ? {} : { tags }),
        });
        return { client: ctx.mapper.client(updated) };
      }),

    propertyCreate: (_s, args, ctx) =>
      mutate('properties', 'input', () => {
        const customerId = idOf(args['clientId'], 'Client', 'clientId');
        const customer = ctx.world.writer.rules.assertUsable('customer', customerId);
        const input = args['input'] as { properties: { address: AddressInput }[] };
        if (input.properties.length === 0) refuse('At least one property is required', 'input', 'properties');
        const addresses = input.properties.map((p, i) =>
          worldAddress(p.address, 'input', 'properties', String(i), 'address'),
        );
        const taxZoneId = firstUsable(ctx, 'taxZone').id;
        // The writer has no "add a location" operation: checked above, created through the store.
        const created = addresses.map((address) =>
          ctx.world.store.create('location', {
            customerId: customer.id,
            name: customer.name,
            address,
            taxZoneId,
            mergedToId: null,
          }),
        );
        return { properties: created.map((l) => ctx.mapper.property(l)) };
      }),

    quoteCreate: (_s, args, ctx) =>
      mutate('quote', 'attributes', () => {
        const input = args['attributes'] as Input;
        const jobId = idOf(input['jobId'], 'Job', 'attributes', 'jobId');
        const items = lines(input['lineItems'] as LineInput[], 'attributes', 'lineItems');
        const estimate = ctx.world.writer.createEstimate({
          jobId,
          name: (input['title'] as string | null) ?? 'Quote',
          options: [{ name: 'Option 1', items }],
        });
        return { quote: ctx.mapper.quote(estimate) };
      }),

    jobCreate: (_s, args, ctx) =>
      mutate('job', 'input', () => {
        const input = args['input'] as Input;
        const locationId = idOf(input['propertyId'], 'Property', 'input', 'propertyId');
        const location = ctx.world.writer.rules.assertUsable('location', locationId);
        const scheduling = (input['scheduling'] as Input | null) ?? {};
        const now = ctx.world.clock.now();
        // Unscheduled jobs do not exist in the world: without scheduling, tomorrow 8–10 am Austin time.
        const tomorrow = Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000 + 14 * 3_600_000;
        const start = dateTime(scheduling['startAt'], 'input', 'scheduling', 'startAt') ?? tomorrow;
        const end = dateTime(scheduling['endAt'], 'input', 'scheduling', 'endAt') ?? start + 2 * 3_600_000;
        const technicianIds = ((scheduling['assignedUserIds'] as string[] | null) ?? []).map((u, i) =>
          idOf(u, 'User', 'input', 'scheduling', 'assignedUserIds', String(i)),
        );
        const salesperson =
          input['salespersonId'] != null
            ? idOf(input['salespersonId'], 'User', 'input', 'salespersonId')
            : null;
        const quote = input['quoteId'] != null ? convertibleQuote(ctx, input['quoteId'], location.id) : null;
        const { job } = ctx.world.writer.createJob({
          customerId: location.customerId,
          locationId: location.id,
          businessUnitId: firstUsable(ctx, 'businessUnit').id,
          jobTypeId: firstUsable(ctx, 'jobType').id,
          campaignId: firstUsable(ctx, 'campaign').id,
          priority: 'Normal',
          summary: (input['title'] as string | null) ?? quote?.name ?? '',
          soldById: salesperson,
          // The world ties an estimate to the job it was made on; the job converted from it keeps the link here.
          ...(quote ? { externalData: [{ key: JOBBER_QUOTE_LINK, value: String(quote.id) }] } : {}),
          appointments: [
            {
              start,
              end,
              technicianIds,
              specialInstructions: (input['instructions'] as string | null) ?? null,
              // Jobber's calendar holds overlapping visits: the office decides, Jobber does not refuse.
              allowOverlap: true,
            },
          ],
        });
        if (quote?.status === 'Open') {
          const option = quote.options[0];
          const seller = salesperson ?? ctx.actingEmployeeId ?? firstUsable(ctx, 'employee').id;
          if (option) ctx.world.writer.sellEstimate(quote.id, option.id, seller);
        }
        return { job: ctx.mapper.job(ctx.world.store.get('job', job.id) as StoredRecord<'job'>) };
      }),

    jobClose: (_s, args, ctx) =>
      mutate('job', 'jobId', () => {
        const id = idOf(args['jobId'], 'Job', 'jobId');
        const writer = ctx.world.writer;
        const job = writer.rules.assertUsable('job', id, { allowInactive: true });
        if (job.status === 'Completed' || job.status === 'Canceled') {
          refuse(`Job #${job.jobNumber} is already closed`, 'jobId');
        }
        // Jobber closes an on-hold job too; the world gets there through InProgress.
        if (job.status === 'Hold') writer.setJobStatus(id, 'InProgress');
        return { job: ctx.mapper.job(writer.setJobStatus(id, 'Completed')) };
      }),

    appointmentEditAssignment: (_s, args, ctx) =>
      mutate('appointment', 'input', () => {
        const id = idOf(args['appointmentId'], 'Visit', 'appointmentId');
        const input = args['input'] as { assignedUserIds: string[] };
        const wanted = input.assignedUserIds.map((u, i) =>
          idOf(u, 'User', 'input', 'assignedUserIds', String(i)),
        );
        if (new Set(wanted).size !== wanted.length)
          refuse('A user is listed twice', 'input', 'assignedUserIds');
        const writer = ctx.world.writer;
        const appointment = writer.rules.assertUsable('appointment', id);
        if (appointment.status === 'Canceled') refuse('Visit not found', 'appointmentId');
        writer.rules.assertAppointmentOpen(appointment);
        const current = writer.activeAssignments(id).map((a) => a.technicianId);
        const added = wanted.filter((t) => !current.includes(t));
        const removed = current.filter((t) => !wanted.includes(t));
        // Check every added user before the first write, so a refusal leaves the visit as it was. A user
        // already booked in that window is fine: Jobber's calendar holds overlapping visits.
        added.forEach((t, i) => {
          try {
            writer.rules.assertTechnician(t);
          } catch (err) {
            if (err instanceof WorldRuleError) {
              throw new MutationRefused([
                {
                  message: friendly(err),
                  path: ['input', 'assignedUserIds', String(wanted.indexOf(added[i] as number))],
                },
              ]);
            }
            throw err;
          }
        });
        if (removed.length > 0) writer.unassignTechnicians(id, removed);
        if (added.length > 0)
          writer.assignTechnicians(id, added, ctx.actingEmployeeId, { allowOverlap: true });
        return {
          appointment: ctx.mapper.visit(
            ctx.world.store.get('appointment', id) as StoredRecord<'appointment'>,
          ),
        };
      }),

    appointmentEditSchedule: (_s, args, ctx) =>
      mutate('appointment', 'input', () => {
        const id = idOf(args['appointmentId'], 'Visit', 'appointmentId');
        const input = args['input'] as Input;
        const start = dateTime(input['startAt'], 'input', 'startAt') as number;
        const end = dateTime(input['endAt'], 'input', 'endAt') as number;
        if (end <= start) refuse('End must be after start', 'input', 'endAt');
        const appointment = ctx.world.writer.rules.assertUsable('appointment', id);
        if (appointment.status === 'Canceled') refuse('Visit not found', 'appointmentId');
        // Moving a visit over another one of the same user is allowed in Jobber too.
        const updated = ctx.world.writer.rescheduleAppointment(id, { start, end }, { allowOverlap: true });
        return { appointment: ctx.mapper.visit(updated) };
      }),

    invoiceCreate: (_s, args, ctx) =>
      mutate('invoice', 'attributes', () => {
        const input = args['attributes'] as Input;
        const jobId = idOf(input['jobId'], 'Job', 'attributes', 'jobId');
        const items = lines(input['lineItems'] as LineInput[], 'attributes', 'lineItems');
        const dueDays = (input['dueInDays'] as number | null) ?? 30;
        if (dueDays < 0) refuse('dueInDays must not be negative', 'attributes', 'dueInDays');
        const invoice = ctx.world.writer.createInvoice({ jobId, items, dueDays });
        return { invoice: ctx.mapper.invoice(invoice) };
      }),

    paymentRecordCreate: (_s, args, ctx) =>
      mutate('paymentRecord', 'attributes', () => {
        const input = args['attributes'] as Input;
        const invoiceId = idOf(input['invoiceId'], 'Invoice', 'attributes', 'invoiceId');
        const amount = dollarsToCents(input['amount'] as number);
        if (!(amount > 0)) refuse('Amount must be greater than 0', 'attributes', 'amount');
        const method = METHOD_OF[input['paymentType'] as string];
        if (!method) refuse('This payment type cannot be recorded here', 'attributes', 'paymentType');
        const writer = ctx.world.writer;
        const invoice = writer.rules.assertUsable('invoice', invoiceId, { allowInactive: true });
        const type = Array.from(ctx.world.store.all('paymentType')).find(
          (t) => t.method === method && t.active && t.deletedOn === null,
        );
        if (!type) return refuse('This payment type is not enabled', 'attributes', 'paymentType');
        const entry = dateTime(input['entryDate'], 'attributes', 'entryDate');
        const payment = writer.recordPayment({
          customerId: invoice.customerId,
          paymentTypeId: type.id,
          splits: [{ invoiceId, amount }],
          tip: dollarsToCents((input['tipAmount'] as number | null) ?? 0),
          ...(entry === undefined ? {} : { paidOn: entry }),
          memo: (input['details'] as string | null) ?? null,
          // A manually recorded card payment carries no card details in Jobber; the world wants some.
          ...(method === 'card' ? { card: { brand: 'Visa' as const, last4: '0000' } } : {}),
        });
        return { paymentRecord: ctx.mapper.paymentRecord(payment) };
      }),
  },
};
