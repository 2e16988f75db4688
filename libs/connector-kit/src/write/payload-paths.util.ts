import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Every field path a payload schema allows, in the form `CommandWrite.carries` uses: dotted keys, `[]`
 * for the elements of an array (`lineItems`, `lineItems[]`, `lineItems[].sku`). Objects inside unions
 * contribute the keys of every option. Used to prove a write's declaration names real fields.
 */
export function payloadPaths(schema: z.ZodType): Set<string> {
  const out = new Set<string>();
  const visit = (node: z.ZodType, prefix: string): void => {
    const def = defOf(node);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
        if (def.innerType) visit(def.innerType, prefix);
        return;
      case 'pipe':
        if (def.in) visit(def.in, prefix);
        return;
      case 'object':
        for (const [key, child] of Object.entries(def.shape ?? {})) {
          const path = prefix ? `${prefix}.${key}` : key;
          out.add(path);
          visit(child, path);
        }
        return;
      case 'array':
        if (prefix) out.add(`${prefix}[]`);
        if (def.element) visit(def.element, `${prefix}[]`);
        return;
      case 'union':
        for (const option of def.options ?? []) visit(option, prefix);
        return;
      default:
        return;
    }
  };
  visit(schema, '');
  return out;
}
