/** The world record a rendered Jobber object was made from, kept under a symbol for the resolvers. */
export const SOURCE = Symbol('world record');
export type Rendered<T, R> = T & { readonly [SOURCE]: R };

/** `value` with `record` attached under SOURCE (not enumerable: the object stays plain JSON). */
export function rendered<T extends object, R>(record: R, value: T): Rendered<T, R> {
  Object.defineProperty(value, SOURCE, { value: record, enumerable: false });
  return value as Rendered<T, R>;
}
