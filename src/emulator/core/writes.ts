/**
 * Every write goes through here: client creates/updates/deletes (from HTTP or `$batch`) and system
 * writes from plugins. One place assigns ids, defaults, statecode from statuscode, system columns
 * and `versionnumber`, runs `beforeWrite` hooks inside the transaction and `afterCommit` after it.
 */
import { randomUUID } from 'node:crypto';
import { Tables } from '../../model/names.js';
import {
  badRequest,
  duplicateRecord,
  notSupported,
  recordNotFound,
  segmentNotFound,
  validation,
} from './errors.js';
import type { CollectionRelation, ResolvedEntity, ResolvedRegistry } from './entities/registry.js';
import { cannotDeleteDueToAssociation, duplicateAssociation, intersectRow, relatedRows, requireRow } from './relationships.js';
import type { EmulatorStore } from './store.js';
import type { EmulatorCore, EmulatorPlugin, RowValues, WriteChange, WriteContext } from './types.js';
import { convertBody, formatDateTime, isJsonObject, type ContentIdResolver, type EntityReference } from './values.js';

/** Who writes, and the hooks to run after the outermost transaction commits. */
export interface WriteSession {
  user: string;
  system: boolean;
  committed: WriteChange[];
}

/** Identity of the emulated organization. */
export interface Identity {
  organizationId: string;
  businessUnitId: string;
  userId: string;
}

/** Deepest nesting of related rows in one deep insert (Dataverse documents none; this keeps recursion bounded). */
export const MAX_DEEP_INSERT_DEPTH = 50;

export class Writer {
  constructor(
    private readonly store: EmulatorStore,
    private readonly registry: ResolvedRegistry,
    private readonly plugins: EmulatorPlugin[],
    private readonly identity: Identity,
    private readonly getCore: () => EmulatorCore,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts a session for one request (or one system write). */
  session(user: string, system = false): WriteSession {
    return { user, system, committed: [] };
  }

  /** Runs the `afterCommit` hooks of a committed session. */
  async flush(session: WriteSession): Promise<void> {
    const changes = session.committed.splice(0);
    const context = this.context(session);
    for (const change of changes) {
      for (const plugin of this.plugins) {
        if (!plugin.afterCommit) continue;
        try {
          await plugin.afterCommit(change, context);
        } catch (error) {
          this.log(`plugin ${plugin.name} afterCommit failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  }

  /** Drops pending hooks after a rollback. */
  discard(session: WriteSession): void {
    session.committed.length = 0;
  }

  private context(session: WriteSession): WriteContext {
    return { system: session.system, user: session.user, core: this.getCore() };
  }

  private entity(entitySet: string): ResolvedEntity {
    const entity = this.registry.resolved(entitySet);
    if (!entity) throw segmentNotFound(entitySet);
    return entity;
  }

  private runBefore(change: WriteChange, session: WriteSession): void {
    const context = this.context(session);
    for (const plugin of this.plugins) plugin.beforeWrite?.(change, context);
  }

  /** The time stamp of writes, formatted once per millisecond (a bulk write stamps thousands of rows). */
  private now(): string {
    const ms = Date.now();
    if (ms !== this.stampedAt) {
      this.stampedAt = ms;
      this.stampText = formatDateTime(new Date(ms));
    }
    return this.stampText;
  }

  private stampedAt = -1;
  private stampText = '';

  private stamp(values: RowValues, session: WriteSession, create: boolean): void {
    const now = this.now();
    if (create) {
      values.createdon ??= now;
      values.createdby = session.user;
      values['createdby@type'] = Tables.systemUser.logicalName;
    }
    values.modifiedon = now;
    values.modifiedby = session.user;
    values['modifiedby@type'] = Tables.systemUser.logicalName;
    values.versionnumber = this.store.nextVersion();
  }

  /** Derives statecode from statuscode (and the default status) the way Dataverse pairs them. */
  private applyState(entity: ResolvedEntity, values: RowValues, create: boolean): void {
    const state = entity.definition.state;
    if (typeof values.statuscode === 'number') {
      values.statecode = state ? state.stateOf(values.statuscode) : values.statuscode === 2 ? 1 : 0;
    } else if (typeof values.statecode === 'number' && values.statuscode === undefined) {
      // Setting only statecode picks that state's default status.
      const statusOptions = state?.statusOptions.labels ?? { 1: 'Active', 2: 'Inactive' };
      const match = Object.keys(statusOptions).map(Number).find((status) => (state ? state.stateOf(status) : status === 2 ? 1 : 0) === values.statecode);
      if (match !== undefined) values.statuscode = match;
    } else if (create) {
      values.statuscode = state?.defaultStatus ?? 1;
      values.statecode = state ? state.stateOf(values.statuscode as number) : 0;
    }
  }

  /** Checks that bound rows exist and records which table each lookup points to (polymorphic lookups). */
  private checkReferences(converted: { values: RowValues; references: { attribute: { name: string }; reference: { entitySet: string; id: string } }[] }): void {
    for (const { attribute, reference } of converted.references) {
      const target = this.registry.resolved(reference.entitySet);
      if (!target) throw segmentNotFound(reference.entitySet);
      if (!this.store.get(reference.entitySet, reference.id)) throw recordNotFound(target.definition.logicalName, reference.id);
      converted.values[`${attribute.name}@type`] = target.definition.logicalName;
    }
  }

  private composeNames(entity: ResolvedEntity, values: RowValues, before?: RowValues): void {
    // Dataverse composes contact.fullname from first and last name.
    if (entity.definition.logicalName === 'contact' && ('firstname' in values || 'lastname' in values)) {
      const first = ('firstname' in values ? values.firstname : before?.firstname) ?? '';
      const last = ('lastname' in values ? values.lastname : before?.lastname) ?? '';
      values.fullname = `${String(first)} ${String(last)}`.trim();
    }
  }

  /**
   * Creates a row from a client body (inside a transaction). Deep insert creates the rows of
   * single-valued navigation properties first, then the row, then the rows of collection-valued
   * ones (nested to any depth), and binds existing rows given as `<collection>@odata.bind`; any
   * failure rolls the whole insert back with the transaction.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api#create-related-table-rows-in-one-operation
   * @returns the id and the stored values.
   */
  createFromBody(
    entitySet: string,
    body: unknown,
    session: WriteSession,
    options: { id?: string; resolveContentId?: ContentIdResolver; depth?: number } = {},
  ): { id: string; values: RowValues } {
    const depth = options.depth ?? 0;
    if (depth > MAX_DEEP_INSERT_DEPTH) {
      throw badRequest(`The deep insert nests related rows more than ${MAX_DEEP_INSERT_DEPTH} levels deep; create the deepest rows in a separate request.`);
    }
    const entity = this.entity(entitySet);
    if (entity.definition.readOnly || entity.definition.internal) throw notSupported();
    const converted = convertBody(entity, body, options.resolveContentId);
    if (options.id !== undefined && converted.id !== undefined && converted.id !== options.id) {
      throw validation(`The primary key in the body (${converted.id}) differs from the one in the URL (${options.id}).`);
    }
    const id = options.id ?? converted.id ?? randomUUID();
    const nested = { depth: depth + 1, ...(options.resolveContentId ? { resolveContentId: options.resolveContentId } : {}) };
    this.checkReferences(converted);
    for (const single of converted.singleInserts) {
      const created = this.createFromBody(single.entitySet, single.body, session, nested);
      converted.values[single.attribute.name] = created.id;
      converted.values[`${single.attribute.name}@type`] = this.entity(single.entitySet).definition.logicalName;
    }
    for (const [name, attribute] of entity.attributes) {
      if (attribute.default !== undefined && !(name in converted.values)) converted.values[name] = attribute.default;
    }
    for (const [name, attribute] of entity.attributes) {
      if (attribute.required && (converted.values[name] === undefined || converted.values[name] === null)) {
        throw validation(`The '${name}' attribute of the '${entity.definition.logicalName}' entity is required and has no value.`);
      }
    }
    const values = this.insert(entity, id, converted.values, session);
    for (const deep of converted.deepInserts) {
      for (const child of deep.bodies) {
        if (!isJsonObject(child)) throw validation(`Each item of '${deep.navigation.name}' must be a JSON object.`);
        if (deep.navigation.kind === 'OneToMany') {
          const withParent: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          for (const key of Object.keys(child)) withParent[key] = child[key];
          withParent[`${deep.navigation.childNavigation}@odata.bind`] = `/${entitySet}(${id})`;
          this.createFromBody(deep.navigation.entitySet, withParent, session, nested);
        } else {
          const created = this.createFromBody(deep.navigation.entitySet, child, session, nested);
          this.associate(entity, id, deep.navigation, { entitySet: deep.navigation.entitySet, id: created.id }, session);
        }
      }
    }
    for (const bind of converted.collectionBinds) {
      for (const reference of bind.references) this.associate(entity, id, bind.navigation, reference, session);
    }
    return { id, values };
  }

  /**
   * Associates an existing row with `parentId` through a collection-valued navigation property:
   * sets the child's lookup (one-to-many) or adds an intersect row (many-to-many).
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api#add-a-record-to-a-collection
   */
  associate(parent: ResolvedEntity, parentId: string, relation: CollectionRelation, reference: EntityReference, session: WriteSession): void {
    requireRow(this.store, this.registry, parent.definition.entitySet, parentId);
    if (reference.entitySet !== relation.entitySet) throw validation(`The navigation property '${relation.name}' holds rows of ${relation.entitySet}, not ${reference.entitySet}.`);
    if (relation.kind === 'OneToMany') {
      this.updateFromBody(relation.entitySet, reference.id, { [`${relation.childNavigation}@odata.bind`]: `/${parent.definition.entitySet}(${parentId})` }, session);
      return;
    }
    requireRow(this.store, this.registry, relation.entitySet, reference.id);
    if (intersectRow(this.store, relation, parentId, reference.id)) throw duplicateAssociation();
    this.systemWrite(relation.intersectEntitySet, 'create', undefined, { [relation.selfAttribute]: parentId, [relation.otherAttribute]: reference.id }, session);
  }

  /**
   * Removes a row from a collection-valued navigation property: clears the child's lookup
   * (one-to-many) or deletes the intersect row (many-to-many). 404 when they are not associated.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api#remove-a-record-from-a-collection
   */
  disassociate(parent: ResolvedEntity, parentId: string, relation: CollectionRelation, childId: string, session: WriteSession): void {
    requireRow(this.store, this.registry, parent.definition.entitySet, parentId);
    const child = this.entity(relation.entitySet);
    if (relation.kind === 'OneToMany') {
      const row = this.store.get(relation.entitySet, childId);
      const type = row?.values[`${relation.lookup}@type`];
      if (!row || row.values[relation.lookup] !== parentId || (typeof type === 'string' && type !== parent.definition.logicalName)) {
        throw recordNotFound(child.definition.logicalName, childId);
      }
      this.updateFromBody(relation.entitySet, childId, { [`${relation.childNavigation}@odata.bind`]: null }, session);
      return;
    }
    const link = intersectRow(this.store, relation, parentId, childId);
    if (!link) throw recordNotFound(child.definition.logicalName, childId);
    this.delete(relation.intersectEntitySet, link.id, session, { allowReadOnly: true });
  }

  /**
   * Inserts a row. `values` is the caller's own fresh object (converted body or system values):
   * it becomes the change's `values` without a copy.
   */
  private insert(entity: ResolvedEntity, id: string, values: RowValues, session: WriteSession): RowValues {
    const entitySet = entity.definition.entitySet;
    if (this.store.get(entitySet, id)) throw duplicateRecord();
    this.applyState(entity, values, true);
    this.composeNames(entity, values);
    if ((entity.definition.ownership ?? 'user') === 'user' && values.ownerid === undefined) {
      values.ownerid = session.user;
      values['ownerid@type'] = Tables.systemUser.logicalName;
    }
    if ((entity.definition.ownership ?? 'user') === 'user') values.owningbusinessunit = this.identity.businessUnitId;
    splitOwner(values);
    const change: WriteChange = { entitySet, logicalName: entity.definition.logicalName, operation: 'create', id, values };
    this.runBefore(change, session);
    // Spreading defines own properties (a `__proto__` key stays data), and gives V8 a fast-properties
    // object: copying and serializing null-prototype dictionaries cost several times more per row.
    const row: RowValues = { ...change.values };
    row[entity.definition.primaryId] = id;
    this.stamp(row, session, true);
    this.store.insert(entitySet, id, row);
    session.committed.push({ ...change, after: row });
    return row;
  }

  /** Updates a row from a client body (inside a transaction); throws 404 when it is missing. */
  updateFromBody(entitySet: string, id: string, body: unknown, session: WriteSession, resolveContentId?: ContentIdResolver): RowValues {
    const entity = this.entity(entitySet);
    if (entity.definition.readOnly || entity.definition.internal) throw notSupported();
    const converted = convertBody(entity, body, resolveContentId);
    if (converted.id !== undefined && converted.id !== id) throw validation(`The primary key in the body (${converted.id}) differs from the one in the URL (${id}).`);
    // Deep insert and collection binds exist on create only; on update, associate through $ref.
    // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api
    if (converted.deepInserts.length > 0 || converted.singleInserts.length > 0) throw validation('Deep insert is only supported on create.');
    if (converted.collectionBinds.length > 0) {
      const name = converted.collectionBinds[0]!.navigation.name;
      throw badRequest(`Binding rows to the collection-valued navigation property '${name}' is possible on create only; on update, add each row with POST ${entitySet}(${id})/${name}/$ref.`);
    }
    this.checkReferences(converted);
    return this.update(entity, id, converted.values, session);
  }

  private update(entity: ResolvedEntity, id: string, given: RowValues, session: WriteSession): RowValues {
    const entitySet = entity.definition.entitySet;
    const existing = this.store.get(entitySet, id);
    if (!existing) throw recordNotFound(entity.definition.logicalName, id);
    const values: RowValues = Object.create(null) as RowValues;
    Object.assign(values, given);
    this.applyState(entity, values, false);
    this.composeNames(entity, values, existing.values);
    if ((entity.definition.ownership ?? 'user') === 'user') splitOwner(values);
    for (const [name, attribute] of entity.attributes) {
      if (attribute.required && name in values && values[name] === null && attribute.name !== entity.definition.primaryId) {
        throw validation(`The '${name}' attribute of the '${entity.definition.logicalName}' entity is required and cannot be set to null.`);
      }
    }
    const change: WriteChange = { entitySet, logicalName: entity.definition.logicalName, operation: 'update', id, before: existing.values, values };
    this.runBefore(change, session);
    const row: RowValues = { ...existing.values, ...change.values };
    this.stamp(row, session, false);
    this.store.update(entitySet, id, row);
    session.committed.push({ ...change, after: row });
    return row;
  }

  /**
   * Deletes a row (inside a transaction); throws 404 when it is missing. Relationships where the
   * row is the parent act as declared: Cascade deletes the children, RemoveLink clears their lookup,
   * Restrict refuses the delete while any exist; many-to-many links of the row are removed.
   * https://learn.microsoft.com/power-apps/developer/data-platform/configure-entity-relationship-cascading-behavior
   */
  delete(entitySet: string, id: string, session: WriteSession, options: { allowReadOnly?: boolean } = {}): void {
    const entity = this.entity(entitySet);
    if (!options.allowReadOnly && (entity.definition.readOnly || entity.definition.internal)) throw notSupported();
    const existing = this.store.get(entitySet, id);
    if (!existing) throw recordNotFound(entity.definition.logicalName, id);
    for (const relation of entity.collections.values()) {
      if (relation.kind === 'OneToMany' && relation.cascadeDelete === 'Restrict' && relatedRows(this.store, entity, relation, id).some((row) => row.id !== id)) {
        throw cannotDeleteDueToAssociation();
      }
    }
    const change: WriteChange = { entitySet, logicalName: entity.definition.logicalName, operation: 'delete', id, before: existing.values, values: Object.create(null) as RowValues };
    this.runBefore(change, session);
    this.store.delete(entitySet, id);
    // The cascade runs as the system: a plug-in's client rules (field locks) do not stop it.
    const system: WriteSession = { user: session.user, system: true, committed: session.committed };
    for (const relation of entity.collections.values()) {
      if (relation.kind !== 'OneToMany' || relation.cascadeDelete === 'Restrict') continue;
      for (const child of relatedRows(this.store, entity, relation, id)) {
        if (!this.store.get(relation.entitySet, child.id)) continue; // already gone through another path
        if (relation.cascadeDelete === 'Cascade') this.delete(relation.entitySet, child.id, system, { allowReadOnly: true });
        else this.update(this.entity(relation.entitySet), child.id, { [relation.lookup]: null, [`${relation.lookup}@type`]: null }, system);
      }
    }
    for (const relation of entity.manyToMany) {
      const links = [...this.store.referencing(relation.intersectEntitySet, relation.selfAttribute, id), ...this.store.referencing(relation.intersectEntitySet, relation.otherAttribute, id)];
      for (const link of links) if (this.store.get(relation.intersectEntitySet, link.id)) this.delete(relation.intersectEntitySet, link.id, system, { allowReadOnly: true });
    }
    session.committed.push(change);
  }

  /** A system write: values are stored as given (already in stored form), no client rules. */
  systemWrite(entitySet: string, operation: 'create' | 'update' | 'delete', id: string | undefined, given: RowValues, session: WriteSession): RowValues | undefined {
    const entity = this.entity(entitySet);
    if (operation === 'delete') {
      if (id === undefined) throw validation('A system delete needs an id.');
      this.delete(entitySet, id, session, { allowReadOnly: true });
      return undefined;
    }
    if (operation === 'create') {
      const values: RowValues = Object.create(null) as RowValues;
      for (const [name, attribute] of entity.attributes) if (attribute.default !== undefined) values[name] = attribute.default;
      Object.assign(values, given);
      return this.insert(entity, (id ?? randomUUID()).toLowerCase(), values, session);
    }
    if (id === undefined) throw validation('A system update needs an id.');
    return this.update(entity, id.toLowerCase(), given, session);
  }
}

/**
 * Keeps `owninguser`/`owningteam` in step with `ownerid` (exactly one of them holds the owner).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-navigation-properties
 */
function splitOwner(values: RowValues): void {
  if (!('ownerid' in values)) return;
  const owner = values.ownerid ?? null;
  const team = values['ownerid@type'] === Tables.team.logicalName;
  values.owninguser = team ? null : owner;
  values['owninguser@type'] = team || owner === null ? null : Tables.systemUser.logicalName;
  values.owningteam = team ? owner : null;
  values['owningteam@type'] = team && owner !== null ? Tables.team.logicalName : null;
}
