/**
 * `$expand`: single-valued (lookups, polymorphic lookups per target) and collection-valued
 * (one-to-many, many-to-many) navigation properties, with nested `$select`, `$filter`, `$orderby`,
 * `$top` and `$expand`, within Dataverse's limits:
 * - at most 15 `$expand` options in a query, nested ones included (each is a join);
 * - `$orderby`/`$top` only on a collection-valued property, and only when the query has no nested
 *   `$expand` anywhere (then paging applies to every expanded collection instead);
 * - many-to-many properties only in a query whose expands are all many-to-many and not nested;
 * - `nav/$ref` only on single-valued properties.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/join-tables
 */
import { WebApiError, badRequest, notImplemented, unknownProperty } from '../errors.js';
import type { ResolvedEntity, ResolvedRegistry } from '../entities/registry.js';
import { parseOptions, splitTopLevel, type ExpandOption, type QueryOptions } from './query.js';

/** Most `$expand` options in one query, nested ones included. */
export const MAX_EXPANDS = 15;

/** State shared by every level of one query's `$expand`. */
export interface ExpandState {
  /** `$expand` options seen so far (all levels). */
  count: number;
  /** The query nests `$expand` somewhere: paging applies to expanded collections, no `$top`/`$orderby`. */
  nested: boolean;
  /** The query expands a many-to-many property somewhere. */
  manyToMany: boolean;
  /** The query expands a property that is not many-to-many somewhere. */
  other: boolean;
}

/** A fresh state for the `$expand` value of a top-level query. */
export function expandState(value: string): ExpandState {
  return { count: 0, nested: /\$expand\s*=/.test(value), manyToMany: false, other: false };
}

/** 0x80060888: an option Dataverse refuses inside this `$expand`. */
function onlySelectAndFilter(): WebApiError {
  return new WebApiError(400, '0x80060888', 'Only $select and $filter clause can be provided while doing $expand on many-to-one relationship or nested one-to-many relationship.');
}

/** 0x80060888: many-to-many expands combined with other expands or nested. */
function manyToManyCombination(navigation: string): WebApiError {
  return new WebApiError(
    400,
    '0x80060888',
    `The many-to-many navigation property '${navigation}' can be expanded only together with other many-to-many properties and without nested $expand; send separate requests.`,
  );
}

const NESTED_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$expand']);

/** Parses a `$expand` value (top level or nested) against `entity`. */
export function parseExpand(value: string, entity: ResolvedEntity, registry: ResolvedRegistry, state: ExpandState): ExpandOption[] {
  const items = splitTopLevel(value, ',').map((item) => item.trim());
  state.count += items.length;
  if (state.count > MAX_EXPANDS) throw badRequest(`The $expand query option can include at most ${MAX_EXPANDS} navigation properties, nested ones included.`);
  return items.map((item) => {
    const open = item.indexOf('(');
    let navigation = (open < 0 ? item : item.slice(0, open)).trim();
    if (navigation === '') throw badRequest('The $expand query option contains an empty navigation property.');
    if (open >= 0 && !item.endsWith(')')) throw badRequest(`The $expand item '${item}' is not valid.`);
    const ref = navigation.endsWith('/$ref');
    if (ref) navigation = navigation.slice(0, -'/$ref'.length);
    const nested = new Map<string, string>();
    let raw = '';
    if (open >= 0) {
      raw = item.slice(open + 1, -1);
      for (const option of splitTopLevel(raw, ';')) {
        const equals = option.indexOf('=');
        if (equals < 0) throw badRequest(`The $expand option '${option}' is not valid.`);
        const name = option.slice(0, equals).trim();
        if (!NESTED_OPTIONS.has(name)) throw badRequest(`The query option '${name}' is not supported inside $expand.`);
        nested.set(name, option.slice(equals + 1));
      }
    }
    const lookup = entity.navigation.get(navigation);
    const collection = lookup ? undefined : entity.collections.get(navigation);
    if (!lookup && !collection) throw unknownProperty(navigation, entity.definition.logicalName);
    if (ref) {
      if (!lookup) throw new WebApiError(400, '0x80060888', 'Expand with $ref is only supported on lookup type navigation property.');
      if (open >= 0) throw badRequest(`'${navigation}/$ref' takes no query options.`);
    }
    if (collection?.kind === 'ManyToMany') {
      state.manyToMany = true;
      if (state.nested || state.other) throw manyToManyCombination(navigation);
    } else {
      state.other = true;
      if (state.manyToMany) throw manyToManyCombination(navigation);
    }
    if ((lookup || state.nested) && (nested.has('$orderby') || nested.has('$top'))) throw onlySelectAndFilter();
    const targetSet = lookup ? (entity.navigationTargets.get(navigation) ?? lookup.targets?.[0]) : collection!.entitySet;
    const target = targetSet === undefined ? undefined : registry.resolved(targetSet);
    if (!target) throw notImplemented(`$expand of '${navigation}'`);
    const parse = (table: ResolvedEntity): QueryOptions => {
      const options = parseOptions({ values: nested, raw: [] }, table, registry, { loose: false, nested: true, expandState: state });
      return options;
    };
    const base = { navigation, raw, ...(ref ? { ref: true } : {}) };
    if (lookup && !entity.navigationTargets.has(navigation) && (lookup.targets?.length ?? 0) > 1) {
      // A polymorphic lookup (ownerid): nested options may name columns of any of its tables.
      const perTarget = new Map<string, { target: ResolvedEntity; options: QueryOptions }>();
      let firstError: unknown;
      const counted = state.count;
      for (const set of lookup.targets!) {
        const table = registry.resolved(set);
        if (!table) continue;
        state.count = counted;
        try {
          perTarget.set(table.definition.logicalName, { target: table, options: parse(table) });
        } catch (error) {
          firstError ??= error;
        }
      }
      if (perTarget.size === 0) throw firstError;
      const first = perTarget.values().next().value!;
      return { ...base, lookup, target: first.target, options: first.options, perTarget };
    }
    const options = parse(target);
    return { ...base, ...(lookup ? { lookup } : {}), ...(collection ? { collection } : {}), target, options };
  });
}
