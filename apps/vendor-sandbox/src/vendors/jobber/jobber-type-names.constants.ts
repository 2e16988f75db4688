/** The Jobber object type of each world entity it holds. */
export const JOBBER_TYPES = {
  customer: 'Client',
  location: 'Property',
  job: 'Job',
  appointment: 'Visit',
  estimate: 'Quote',
  invoice: 'Invoice',
  payment: 'PaymentRecord',
  employee: 'User',
  pricebookItem: 'ProductOrService',
} as const;
