/**
 * Query planning over the store's indexes: which `$filter` terms an equality index can answer,
 * and the sort order an `$orderby` asks for. The compiled predicate still runs on every candidate
 * row, so a filter (or a part of one) the planner does not understand is answered as before, only
 * without an index. See docs/decisions.md, "Emulator query pushdown".
 */
import type { ResolvedEntity } from '../entities/registry.js';
import type { EqualitySpec, OrderSpec } from '../indexes.js';
import type { StoredRow } from '../types.js';
import { normalizeValue, resolveProperty, type FilterNode, type Operand, type PropertyAccess, type ValueKind } from './filter.js';

/** A conjunct `column eq literal` of a filter: every matching row has `key` in the index `spec`. */
export interface EqualityTerm {
  spec: EqualitySpec;
  key: unknown;
}

/** Kinds whose normalized values are exact keys (strings and GUIDs lower-cased). */
const INDEXABLE = new Set<ValueKind | 'other'>(['string', 'guid', 'number', 'boolean']);

const equalitySpecs = new Map<string, EqualitySpec>();

function equalitySpec(key: string, kind: ValueKind | 'other'): EqualitySpec {
  const name = `eq:${key}:${kind}`;
  let spec = equalitySpecs.get(name);
  if (!spec) {
    if (equalitySpecs.size >= 1000) equalitySpecs.clear();
    spec = { name, keyOf: (values) => normalizeValue(kind, values[key]) };
    equalitySpecs.set(name, spec);
  }
  return spec;
}

function access(entity: ResolvedEntity, operand: Operand): PropertyAccess | undefined {
  try {
    return operand.kind === 'property' ? resolveProperty(entity, operand.name) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `column eq literal` terms among the top-level conjuncts of `node` (and nothing inside `or`
 * or `not`), comparing as the compiled filter does.
 */
export function equalityTerms(node: FilterNode | undefined, entity: ResolvedEntity): EqualityTerm[] {
  const terms: EqualityTerm[] = [];
  const visit = (n: FilterNode): void => {
    if (n.kind === 'and') {
      visit(n.left);
      visit(n.right);
      return;
    }
    if (n.kind !== 'compare' || n.operator !== 'eq') return;
    for (const [property, literal] of [
      [n.left, n.right],
      [n.right, n.left],
    ] as const) {
      if (literal.kind !== 'literal') continue;
      const column = access(entity, property);
      if (!column) continue;
      // The comparison kind of compileFilter: a string literal takes the column's kind.
      const kind = literal.type === 'null' || literal.type === 'string' ? column.kind : column.kind === 'string' ? literal.type : column.kind;
      if (!INDEXABLE.has(kind)) continue;
      terms.push({ spec: equalitySpec(column.key, kind), key: normalizeValue(kind, literal.value) });
    }
  };
  if (node) visit(node);
  return terms;
}

/** One `$orderby` key. */
export interface OrderKey {
  access: PropertyAccess;
  descending: boolean;
}

/** Sort value of a column: lower-case strings and GUIDs, epoch ms for dates. */
export function sortValue(access: PropertyAccess, row: StoredRow): string | number | boolean | null {
  const value = row.values[access.key];
  if (value === null || value === undefined) return null;
  if (access.kind === 'string' || access.kind === 'guid') return String(value).toLowerCase();
  if (access.kind === 'datetime') return Date.parse(String(value));
  return value as number | boolean;
}

/** Compares two sort keys; nulls first ascending (SQL Server order), ties broken by id. */
export function compareKeys(a: readonly unknown[], b: readonly unknown[], orderBy: readonly OrderKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number | boolean | null;
    const y = b[i] as string | number | boolean | null;
    let order = 0;
    if (x === y) order = 0;
    else if (x === null) order = -1;
    else if (y === null) order = 1;
    else order = x < y ? -1 : 1;
    if (order !== 0) return i < orderBy.length && orderBy[i]!.descending ? -order : order;
  }
  return 0;
}

const orderSpecs = new Map<string, OrderSpec>();

/** The sort order of `$orderby` keys, the row id last. */
export function orderSpec(orderBy: readonly OrderKey[]): OrderSpec {
  const name = orderBy.map((key) => `${key.access.key}:${key.access.kind}:${key.descending ? 'desc' : 'asc'}`).join(',');
  let spec = orderSpecs.get(name);
  if (!spec) {
    if (orderSpecs.size >= 1000) orderSpecs.clear();
    const keys = [...orderBy];
    spec = {
      name,
      keysOf: (row) => {
        const out: unknown[] = keys.map((key) => sortValue(key.access, row));
        out.push(row.id);
        return out;
      },
      compare: (a, b) => compareKeys(a, b, keys),
    };
    orderSpecs.set(name, spec);
  }
  return spec;
}
