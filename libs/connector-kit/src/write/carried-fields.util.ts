/**
 * The payload fields of a command that its write does not carry (CommandWrite.carries), as command
 * paths (`payload.tags`, `payload.lineItems[2].taxCode`), in payload order; empty when every field is
 * carried. A field counts when it is present: `undefined`, an empty array and an empty object carry
 * nothing and pass; `false`, `0` and `""` are values and count.
 *
 * A carried path covers the whole value under it (`primaryContact` covers its name, email and phone);
 * a longer carried path opens the object or array on the way (`primaryContact.email` alone refuses a
 * `primaryContact.phone`; `lineItems[].sku` opens every element of `lineItems`).
 */
export function uncarriedFields(carries: readonly string[], payload: unknown): string[] {
  const carried = new Set(carries);
  const opens = (pattern: string): boolean => carries.some((c) => c.startsWith(`${pattern}.`));
  const out: string[] = [];

  const visit = (value: unknown, pattern: string, path: string): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      if (value.length === 0 || carried.has(pattern) || carried.has(`${pattern}[]`)) return;
      if (!opens(`${pattern}[]`)) {
        out.push(path);
        return;
      }
      value.forEach((element, index) => {
        if (isPlainObject(element)) walk(element, `${pattern}[]`, `${path}[${index}]`);
        else out.push(`${path}[${index}]`);
      });
      return;
    }
    if (isPlainObject(value)) {
      if (Object.keys(value).length === 0 || carried.has(pattern)) return;
      if (opens(pattern)) walk(value, pattern, path);
      else if (Object.values(value).some((v) => v !== undefined)) out.push(path);
      return;
    }
    if (!carried.has(pattern)) out.push(path);
  };

  const walk = (object: Record<string, unknown>, pattern: string, path: string): void => {
    for (const [key, value] of Object.entries(object)) {
      visit(value, pattern ? `${pattern}.${key}` : key, `${path}.${key}`);
    }
  };

  if (isPlainObject(payload)) walk(payload, '', 'payload');
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
