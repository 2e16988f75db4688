import type { WorldStore } from './world.store';

/** Moves a customer's balance by `delta` cents (a write only when it changes, as ServiceTitan). */
export function adjustCustomerBalance(store: WorldStore, customerId: number, delta: number): void {
  if (delta === 0) return;
  const customer = store.require('customer', customerId);
  store.update('customer', customerId, { balance: customer.balance + delta });
}
