import { centsToDecimalString } from '@fieldsync/sandbox-world';

/**
 * ServiceTitan's amounts from the world's integers: decimal numbers (dollars) where the spec says
 * `number`, decimal strings on invoices and payments, quantities as decimal strings.
 */
export const dollars = (cents: number): number => cents / 100;
export const decimal = (cents: number): string => centsToDecimalString(cents);
/** Thousandths → decimal string ("1.5"). */
export const quantity = (milli: number): string => String(milli / 1000);
