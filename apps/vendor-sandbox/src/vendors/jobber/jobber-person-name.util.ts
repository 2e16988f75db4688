/** A person's name as Jobber splits it: first word, then the rest. */
export function splitName(name: string): { first: string; last: string } {
  const space = name.indexOf(' ');
  return space < 0 ? { first: name, last: '' } : { first: name.slice(0, space), last: name.slice(space + 1) };
}
