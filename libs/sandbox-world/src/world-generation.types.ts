import type {
  AppointmentStatus,
  Customer,
  Estimate,
  Invoice,
  Job,
  JobStatus,
  Location,
  Membership,
  Payment,
  WorldAddress,
} from './world.schema';

/**
 * The generator's plans: what it decides about a record before inserting it (ids are handed out in
 * createdOn order at insertion, so a plan points at other plans, and `rec` is the inserted record).
 */
type Plan<T> = { rec: T | null };

export interface CustomerPlan extends Plan<Customer> {
  readonly createdOn: number;
  readonly type: Customer['type'];
  readonly name: string;
  readonly address: WorldAddress;
  readonly personal: { first: string; last: string } | null;
  modifiedOn: number;
  balance: number;
  active: boolean;
  doNotService: boolean;
  duplicateOf: CustomerPlan | null;
}

export interface LocationPlan extends Plan<Location> {
  readonly customer: CustomerPlan;
  readonly createdOn: number;
  readonly name: string;
  readonly address: WorldAddress;
  readonly taxZone: number;
}

export interface ContactPlan {
  readonly customer: CustomerPlan;
  readonly createdOn: number;
  readonly fields: Record<string, unknown>;
}

/** Technicians and consecutive slots of one day, taken on the technicians' calendar. */
export interface BookedSlot {
  start: number;
  end: number;
  windowStart: number;
  windowEnd: number;
  technicians: number[];
  day: number;
  slot: number;
  slots: number;
}

export interface JobPlan extends Plan<Job> {
  readonly customer: CustomerPlan;
  readonly location: LocationPlan;
  readonly createdOn: number;
  readonly jobType: number;
  status: JobStatus;
  modifiedOn: number;
  completedOn: number | null;
  canceledOn: number | null;
  appointments: AppointmentPlan[];
  readonly summary: string;
  readonly priority: Job['priority'];
  readonly campaign: number;
}

export interface AppointmentPlan extends Plan<{ id: number }> {
  readonly job: JobPlan;
  readonly createdOn: number;
  readonly start: number;
  readonly end: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  status: AppointmentStatus;
  modifiedOn: number;
  readonly technicians: number[];
}

export interface MembershipPlan {
  readonly customer: CustomerPlan;
  readonly location: LocationPlan;
  readonly fields: Omit<Membership, 'id' | 'rowVersion' | 'customerId' | 'locationId'>;
}

export interface EquipmentPlan {
  readonly location: LocationPlan;
  readonly fields: Record<string, unknown>;
}

export interface InvoicePlan {
  readonly job: JobPlan;
  readonly createdOn: number;
  rec: Invoice | null;
  readonly fields: Omit<
    Invoice,
    'id' | 'rowVersion' | 'referenceNumber' | 'jobId' | 'customerId' | 'locationId'
  >;
}

export interface PaymentPlan {
  readonly invoice: InvoicePlan;
  readonly createdOn: number;
  readonly fields: Omit<Payment, 'id' | 'rowVersion' | 'customerId' | 'splits'>;
}

export interface EstimatePlan {
  readonly job: JobPlan;
  readonly createdOn: number;
  readonly fields: Omit<Estimate, 'id' | 'rowVersion' | 'jobId' | 'customerId' | 'locationId'>;
}
