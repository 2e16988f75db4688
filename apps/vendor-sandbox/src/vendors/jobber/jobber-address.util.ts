import type { WorldAddress } from '@fieldsync/sandbox-world';

/** A world address as Jobber's `Address` (the unit on the street line and as street2). */
export function address(a: Readonly<WorldAddress>) {
  return {
    street: a.unit ? `${a.street} ${a.unit}` : a.street,
    street1: a.street,
    street2: a.unit,
    city: a.city,
    province: a.state,
    postalCode: a.zip,
    country: 'United States',
  };
}
