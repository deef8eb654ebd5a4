/**
 * Relationship operations over the store: the rows behind a collection-valued navigation property
 * (found through the store's foreign-key index, never by scanning the related table), associate,
 * disassociate and the cascade of a delete.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/configure-entity-relationship-cascading-behavior
 */
import { WebApiError, recordNotFound } from './errors.js';
import type { CollectionRelation, ResolvedEntity, ResolvedRegistry } from './entities/registry.js';
import type { EmulatorStore } from './store.js';
import type { StoredRow } from './types.js';

/** 400 `0x80040227`: a Restrict relationship still has rows pointing to the row being deleted. */
export function cannotDeleteDueToAssociation(): WebApiError {
  return new WebApiError(400, '0x80040227', 'The object you tried to delete is associated with another object and cannot be deleted.');
}

/** 400 `0x80040237`: the two rows are already associated through this many-to-many relationship. */
export function duplicateAssociation(): WebApiError {
  return new WebApiError(400, '0x80040237', 'Cannot insert duplicate key.');
}

/**
 * Rows related to `parentId` through a collection-valued navigation property of `parent`, in id
 * order. One-to-many: rows whose lookup holds the id (and, for polymorphic lookups, points to the
 * parent's table); many-to-many: the rows named by the intersect rows.
 */
export function relatedRows(store: EmulatorStore, parent: ResolvedEntity, relation: CollectionRelation, parentId: string): StoredRow[] {
  if (relation.kind === 'OneToMany') {
    const rows = store.referencing(relation.entitySet, relation.lookup, parentId);
    const logicalName = parent.definition.logicalName;
    const typeKey = `${relation.lookup}@type`;
    return rows.filter((row) => {
      const type = row.values[typeKey];
      return typeof type !== 'string' || type === logicalName;
    });
  }
  const links = store.referencing(relation.intersectEntitySet, relation.selfAttribute, parentId);
  const rows: StoredRow[] = [];
  for (const link of links) {
    const otherId = link.values[relation.otherAttribute];
    const row = typeof otherId === 'string' ? store.get(relation.entitySet, otherId) : undefined;
    if (row) rows.push(row);
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The intersect row linking two rows through a many-to-many relationship, if any. */
export function intersectRow(store: EmulatorStore, relation: CollectionRelation & { kind: 'ManyToMany' }, selfId: string, otherId: string): StoredRow | undefined {
  return store.referencing(relation.intersectEntitySet, relation.selfAttribute, selfId).find((row) => row.values[relation.otherAttribute] === otherId);
}

/** Finds the row a reference names, or throws 404 `0x80040217` with the table's logical name. */
export function requireRow(store: EmulatorStore, registry: ResolvedRegistry, entitySet: string, id: string): StoredRow {
  const row = store.get(entitySet, id);
  if (!row) throw recordNotFound(registry.resolved(entitySet)?.definition.logicalName ?? entitySet, id);
  return row;
}
