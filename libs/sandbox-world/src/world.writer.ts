import { WorldCustomerWriter, type NewCustomerInput } from './world-customer.writer';
import { WorldDeletionWriter, type DeletableEntity } from './world-deletion.writer';
import { WorldDispatchWriter, type OverlapOptions } from './world-dispatch.writer';
import { WorldEquipmentWriter, type NewEquipmentInput } from './world-equipment.writer';
import { WorldEstimateWriter, type NewEstimateInput } from './world-estimate.writer';
import { WorldInvoiceWriter, type NewInvoiceInput } from './world-invoice.writer';
import { WorldJobWriter, type NewAppointmentInput, type NewJobInput } from './world-job.writer';
import { WorldMembershipWriter } from './world-membership.writer';
import { WorldPaymentWriter, type NewPaymentInput } from './world-payment.writer';
import { WorldRules, type TimeWindow } from './world.rules';
import type {
  AppointmentStatus,
  Contact,
  Customer,
  InvoiceStatus,
  JobStatus,
  MembershipStatus,
} from './world.schema';
import type { StoredRecord } from './world-store.types';
import type { WorldStore } from './world.store';

export { WorldCustomerWriter, type NewCustomerInput } from './world-customer.writer';
export { WorldDeletionWriter, type DeletableEntity } from './world-deletion.writer';
export { WorldDispatchWriter, type OverlapOptions } from './world-dispatch.writer';
export { WorldEquipmentWriter, type NewEquipmentInput } from './world-equipment.writer';
export { WorldEstimateWriter, type NewEstimateInput } from './world-estimate.writer';
export { WorldInvoiceWriter, type NewInvoiceInput } from './world-invoice.writer';
export {
  JOB_NUMBER_BASE,
  WorldJobWriter,
  type NewAppointmentInput,
  type NewJobInput,
} from './world-job.writer';
export { type NewLineInput } from './world-line-item.util';
export { WorldMembershipWriter } from './world-membership.writer';
export { WorldPaymentWriter, type NewPaymentInput } from './world-payment.writer';

/**
 * The vendor's business operations over a world: each one checks the vendor's rules, then writes
 * through the store (so every touched record gets a new modifiedOn and rowVersion) and keeps money and
 * references consistent. A refused operation throws a `WorldRuleError` before writing anything.
 *
 * One writer per command family (customers, jobs, dispatch, invoices, payments, estimates, memberships,
 * equipment, deletions), all over the same store and rules; this class is their single entry point.
 * A vendor's new entity adds its family writer and its commands here.
 */
export class WorldWriter {
  readonly rules: WorldRules;
  readonly customers: WorldCustomerWriter;
  readonly dispatch: WorldDispatchWriter;
  readonly jobs: WorldJobWriter;
  readonly invoices: WorldInvoiceWriter;
  readonly payments: WorldPaymentWriter;
  readonly estimates: WorldEstimateWriter;
  readonly memberships: WorldMembershipWriter;
  readonly equipment: WorldEquipmentWriter;
  readonly deletions: WorldDeletionWriter;

  constructor(readonly store: WorldStore) {
    const rules = (this.rules = new WorldRules(store));
    this.customers = new WorldCustomerWriter(store, rules);
    this.dispatch = new WorldDispatchWriter(store, rules);
    this.jobs = new WorldJobWriter(store, rules, this.dispatch);
    this.invoices = new WorldInvoiceWriter(store, rules);
    this.payments = new WorldPaymentWriter(store, rules);
    this.estimates = new WorldEstimateWriter(store, rules);
    this.memberships = new WorldMembershipWriter(store, rules);
    this.equipment = new WorldEquipmentWriter(store, rules);
    this.deletions = new WorldDeletionWriter(store, rules);
  }

  // ---------------------------------------------------------------- customers

  createCustomer(input: NewCustomerInput): ReturnType<WorldCustomerWriter['createCustomer']> {
    return this.customers.createCustomer(input);
  }

  updateCustomer(
    id: number,
    patch: Partial<Pick<Customer, 'name' | 'type' | 'address' | 'doNotMail' | 'doNotService' | 'tags'>>,
  ): StoredRecord<'customer'> {
    return this.customers.updateCustomer(id, patch);
  }

  addContact(
    customerId: number,
    input: { type: Contact['type']; value: string; memo?: string | null; doNotText?: boolean },
  ): StoredRecord<'contact'> {
    return this.customers.addContact(customerId, input);
  }

  updateContact(
    id: number,
    patch: Partial<Pick<Contact, 'value' | 'memo' | 'doNotText'>>,
  ): StoredRecord<'contact'> {
    return this.customers.updateContact(id, patch);
  }

  /** Merges customer `fromId` into `intoId` (children and balance move; `fromId` becomes inactive). */
  mergeCustomers(fromId: number, intoId: number): StoredRecord<'customer'> {
    return this.customers.mergeCustomers(fromId, intoId);
  }

  /** Soft-deletes a record the vendor lets users delete (payments are voided with `voidPayment`). */
  softDelete(entity: DeletableEntity, id: number): StoredRecord<typeof entity> {
    return this.deletions.softDelete(entity, id);
  }

  // ---------------------------------------------------------------- jobs and appointments

  createJob(input: NewJobInput): ReturnType<WorldJobWriter['createJob']> {
    return this.jobs.createJob(input);
  }

  addAppointment(jobId: number, input: NewAppointmentInput): StoredRecord<'appointment'> {
    return this.jobs.addAppointment(jobId, input);
  }

  rescheduleAppointment(
    id: number,
    window: TimeWindow & { arrivalWindowStart?: number; arrivalWindowEnd?: number },
    options: OverlapOptions = {},
  ): StoredRecord<'appointment'> {
    return this.dispatch.rescheduleAppointment(id, window, options);
  }

  assignTechnicians(
    appointmentId: number,
    technicianIds: readonly number[],
    assignedById: number | null = null,
    options: OverlapOptions = {},
  ): StoredRecord<'assignment'>[] {
    return this.dispatch.assignTechnicians(appointmentId, technicianIds, assignedById, options);
  }

  /** Unassigning soft-deletes the assignment rows. */
  unassignTechnicians(appointmentId: number, technicianIds: readonly number[]): StoredRecord<'assignment'>[] {
    return this.dispatch.unassignTechnicians(appointmentId, technicianIds);
  }

  /**
   * Moves an appointment along its legal transitions; its assignments follow. Working starts the job;
   * Done on the job's last open appointment completes it.
   */
  setAppointmentStatus(id: number, status: AppointmentStatus): StoredRecord<'appointment'> {
    return this.jobs.setAppointmentStatus(id, status);
  }

  /**
   * Moves a job along its legal transitions. Completing closes its open appointments as Done;
   * canceling cancels them. Completed and Canceled are final.
   */
  setJobStatus(id: number, status: JobStatus): StoredRecord<'job'> {
    return this.jobs.setJobStatus(id, status);
  }

  /** Appointments of the job that are not Done or Canceled (and not deleted). */
  openAppointments(jobId: number): StoredRecord<'appointment'>[] {
    return this.jobs.openAppointments(jobId);
  }

  activeAssignments(appointmentId: number): StoredRecord<'assignment'>[] {
    return this.dispatch.activeAssignments(appointmentId);
  }

  // ---------------------------------------------------------------- money

  createInvoice(input: NewInvoiceInput): StoredRecord<'invoice'> {
    return this.invoices.createInvoice(input);
  }

  setInvoiceStatus(id: number, status: InvoiceStatus): StoredRecord<'invoice'> {
    return this.invoices.setInvoiceStatus(id, status);
  }

  recordPayment(input: NewPaymentInput): StoredRecord<'payment'> {
    return this.payments.recordPayment(input);
  }

  /** Voids a payment: soft-deleted, its splits go back onto the invoices' balances. */
  voidPayment(id: number): StoredRecord<'payment'> {
    return this.payments.voidPayment(id);
  }

  // ---------------------------------------------------------------- estimates, memberships, equipment

  createEstimate(input: NewEstimateInput): StoredRecord<'estimate'> {
    return this.estimates.createEstimate(input);
  }

  sellEstimate(id: number, optionId: number, soldById: number): StoredRecord<'estimate'> {
    return this.estimates.sellEstimate(id, optionId, soldById);
  }

  dismissEstimate(id: number): StoredRecord<'estimate'> {
    return this.estimates.dismissEstimate(id);
  }

  setMembershipStatus(id: number, status: MembershipStatus): StoredRecord<'membership'> {
    return this.memberships.setMembershipStatus(id, status);
  }

  addEquipment(input: NewEquipmentInput): StoredRecord<'equipment'> {
    return this.equipment.addEquipment(input);
  }
}
