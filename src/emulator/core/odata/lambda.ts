/**
 * Lambda operators in `$filter`: `<collection>/any(x:<expression>)`, `<collection>/all(x:<expression>)`
 * and `<collection>/any()` over collection-valued navigation properties (one-to-many and
 * many-to-many), nested to any depth. The related rows come from the store's foreign-key index, so
 * a filter costs one index lookup per row, never a scan of the related table.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#filter-using-values-of-related-collections
 */
import { badRequest, internal, unknownProperty } from '../errors.js';
import type { ResolvedEntity, ResolvedRegistry } from '../entities/registry.js';
import { relatedRows } from '../relationships.js';
import type { FilterNode, Operand, RowPredicate } from './filter.js';

/** A parsed lambda operator. */
export interface LambdaNode {
  kind: 'lambda';
  /** The collection-valued navigation property (a range variable prefix is removed when compiled). */
  navigation: string;
  operator: 'any' | 'all';
  /** Absent for `any()`. */
  variable?: string;
  predicate?: FilterNode;
}

/** Splits `nav/any` or `nav/all` (with optional `x/` prefix) into navigation and operator. */
export function lambdaPath(text: string): { navigation: string; operator: 'any' | 'all' } | undefined {
  const match = /^(.+)\/(any|all)$/.exec(text);
  return match ? { navigation: match[1]!, operator: match[2] as 'any' | 'all' } : undefined;
}

/** Removes the `variable/` prefix from the properties and collections the lambda's expression names. */
function rebase(node: FilterNode, variable: string): FilterNode {
  const operand = (op: Operand): Operand => {
    if (op.kind !== 'property') return op;
    if (op.name.startsWith(`${variable}/`)) return { kind: 'property', name: op.name.slice(variable.length + 1) };
    if (!op.name.includes('/')) {
      throw badRequest(`The property '${op.name}' inside the lambda expression must be written '${variable}/${op.name}', through the range variable '${variable}'.`);
    }
    return op; // a property of an inner lambda's range variable
  };
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, left: rebase(node.left, variable), right: rebase(node.right, variable) };
    case 'not':
      return { kind: 'not', operand: rebase(node.operand, variable) };
    case 'compare':
      return { ...node, left: operand(node.left), right: operand(node.right) };
    case 'function':
      return { ...node, target: operand(node.target), argument: operand(node.argument) };
    case 'operand':
      return { kind: 'operand', operand: operand(node.operand) };
    case 'lambda': {
      const navigation = node.navigation.startsWith(`${variable}/`) ? node.navigation.slice(variable.length + 1) : node.navigation;
      // An inner lambda with the same variable name shadows this one.
      const predicate = node.predicate && node.variable !== variable ? rebase(node.predicate, variable) : node.predicate;
      return { ...node, navigation, ...(predicate ? { predicate } : {}) };
    }
    default:
      // Node kinds added by other query features (query functions) keep their operands as written.
      return node;
  }
}

type Compile = (node: FilterNode, entity: ResolvedEntity, registry?: ResolvedRegistry) => RowPredicate;

/** Compiles a lambda operator against the table whose rows it filters. */
export function compileLambda(node: LambdaNode, entity: ResolvedEntity, registry: ResolvedRegistry | undefined, compile: Compile): RowPredicate {
  const relation = entity.collections.get(node.navigation);
  if (!relation || !registry) {
    if (node.navigation.includes('/')) {
      // Dataverse: conditions on collections nested in a lookup navigation property are not supported.
      throw badRequest(`The lambda operator on '${node.navigation}' is not supported: Dataverse evaluates any/all only on the collection-valued navigation properties of the filtered table or of a lambda's range variable.`);
    }
    if (entity.navigation.has(node.navigation)) throw badRequest(`The lambda operator '${node.operator}' needs a collection-valued navigation property; '${node.navigation}' is single-valued.`);
    throw unknownProperty(node.navigation, entity.definition.logicalName);
  }
  const target = registry.resolved(relation.entitySet);
  if (!target) throw unknownProperty(node.navigation, entity.definition.logicalName);
  const inner = node.predicate && node.variable !== undefined ? compile(rebase(node.predicate, node.variable), target, registry) : undefined;
  const primaryId = entity.definition.primaryId;
  const all = node.operator === 'all';
  return (values) => {
    const store = registry.store;
    if (!store) throw internal();
    const id = values[primaryId];
    if (typeof id !== 'string') return all;
    const rows = relatedRows(store, entity, relation, id);
    if (!inner) return rows.length > 0;
    return all ? rows.every((row) => inner(row.values)) : rows.some((row) => inner(row.values));
  };
}
