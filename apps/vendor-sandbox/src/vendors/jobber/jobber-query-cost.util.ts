import {
  getNamedType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './jobber-connection.util';

/**
 * Jobber's query cost (api_rate_limits): every field costs 1 point, `edges` and `nodes` cost 0 (their
 * fields count), and everything selected under a connection is multiplied by its `first` (100 when
 * absent); nested connections multiply again. Introspection and `__typename` are free.
 *
 *   cost(field)      = 1 + cost(selection)                   (object or scalar field)
 *   cost(connection) = 1 + first × cost(selection)
 *   cost(edges|nodes|edge.node) = cost(selection)
 *
 * `requested` uses `first`; `actual` walks the response and multiplies by the nodes returned.
 */
export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  variables: Readonly<Record<string, unknown>>;
}

const isConnection = (type: GraphQLObjectType) => type.name.endsWith('Connection');
/** `edges` and `nodes` of a connection and `node` of an edge cost nothing themselves. */
const isFree = (name: string, parent: GraphQLObjectType) =>
  ((name === 'edges' || name === 'nodes') && isConnection(parent)) ||
  (name === 'node' && parent.name.endsWith('Edge'));

function argument(field: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
}

/** Every field of a selection set on `parent`, fragments expanded (type conditions ignored: one type per set). */
function fieldsOf(set: SelectionSetNode, input: CostInput): FieldNode[] {
  const out: FieldNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(selection.selectionSet, input));
    else {
      const fragment = input.fragments[selection.name.value];
      if (fragment) out.push(...fieldsOf(fragment.selectionSet, input));
    }
  }
  return out;
}

export function requestedQueryCost(input: CostInput): number {
  const root =
    input.operation.operation === 'mutation' ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!root) return 0;
  return selectionCost(input.operation.selectionSet, root, input);
}

function selectionCost(set: SelectionSetNode, parent: GraphQLObjectType, input: CostInput): number {
  let total = 0;
  for (const field of fieldsOf(set, input)) {
    const name = field.name.value;
    if (name.startsWith('__')) continue;
    const def = parent.getFields()[name];
    if (!def) continue;
    const type = getNamedType(def.type);
    const inner =
      field.selectionSet && isObjectType(type) ? selectionCost(field.selectionSet, type, input) : 0;
    if (isFree(name, parent)) total += inner;
    else if (isObjectType(type) && isConnection(type)) {
      const first = argument(field, 'first', input.variables);
      total += 1 + (typeof first === 'number' ? first : DEFAULT_PAGE_SIZE) * inner;
    } else total += 1 + inner;
  }
  return total;
}

/** The cost of what was actually returned: connections multiply by the nodes they returned. */
export function actualQueryCost(input: CostInput, data: unknown): number {
  const root =
    input.operation.operation === 'mutation' ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!root || data === null || typeof data !== 'object') return 0;
  return actualCost(input.operation.selectionSet, root, input, data as Record<string, unknown>);
}

function actualCost(
  set: SelectionSetNode,
  parent: GraphQLObjectType,
  input: CostInput,
  value: Record<string, unknown>,
): number {
  let total = 0;
  for (const field of fieldsOf(set, input)) {
    const name = field.name.value;
    if (name.startsWith('__')) continue;
    const def = parent.getFields()[name];
    if (!def) continue;
    const type = getNamedType(def.type);
    const key = field.alias?.value ?? name;
    const child = value[key];
    if (!(key in value)) continue;
    const each = (v: unknown): number => {
      if (!field.selectionSet || !isObjectType(type) || v === null || typeof v !== 'object') return 0;
      if (Array.isArray(v)) return v.reduce((sum: number, item) => sum + each(item), 0);
      return actualCost(field.selectionSet, type, input, v as Record<string, unknown>);
    };
    if (isFree(name, parent)) total += each(child);
    else if (Array.isArray(child) && !isConnection(parent)) {
      // a plain list (emails, phones): priced as one selection, like the requested cost
      total += 1 + (child.length > 0 ? each(child[0]) : 0);
    } else total += 1 + each(child);
  }
  return total;
}
