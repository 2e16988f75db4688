/** Sorts plans by createdOn, in place (stable: equal times keep their planning order); returns the list. */
export function byCreated<T extends { createdOn: number }>(list: T[]): T[] {
  return list.sort((a, b) => a.createdOn - b.createdOn);
}
