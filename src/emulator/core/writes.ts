/**
 * Every write goes through here: client creates/updates/deletes (from HTTP or `$batch`) and system
 * writes from plugins. One place assigns ids, defaults, statecode from statuscode, system columns
 * and `versionnumber`, runs `beforeWrite` hooks inside the transaction and `afterCommit` after it.
 */
import { randomUUID } from 'node:crypto';
import { Tables } from '../../model/names.js';
import {
  duplicateRecord,
  notSupported,
  recordNotFound,
  segmentNotFound,
  validation,
} from './errors.js';
import type { ResolvedEntity, ResolvedRegistry } from './entities/registry.js';
import type { EmulatorStore } from './store.js';
import type { EmulatorCore, EmulatorPlugin, RowValues, WriteChange, WriteContext } from './types.js';
import { convertBody, formatDateTime, isJsonObject, type ContentIdResolver } from './values.js';

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

  private stamp(values: RowValues, session: WriteSession, create: boolean): void {
    const now = formatDateTime(new Date());
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
   * Creates a row from a client body (inside a transaction). Deep inserts create the children.
   * @returns the id and the stored values.
   */
  createFromBody(entitySet: string, body: unknown, session: WriteSession, options: { id?: string; resolveContentId?: ContentIdResolver } = {}): { id: string; values: RowValues } {
    const entity = this.entity(entitySet);
    if (entity.definition.readOnly || entity.definition.internal) throw notSupported();
    const converted = convertBody(entity, body, options.resolveContentId);
    if (options.id !== undefined && converted.id !== undefined && converted.id !== options.id) {
      throw validation(`The primary key in the body (${converted.id}) differs from the one in the URL (${options.id}).`);
    }
    const id = options.id ?? converted.id ?? randomUUID();
    this.checkReferences(converted);
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
        const childEntity = this.entity(deep.navigation.entitySet);
        const lookup = childEntity.attributes.get(deep.navigation.lookup)!;
        const withParent: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const key of Object.keys(child)) withParent[key] = child[key];
        withParent[`${lookup.navigationProperty ?? lookup.name}@odata.bind`] = `/${entitySet}(${id})`;
        this.createFromBody(deep.navigation.entitySet, withParent, session, options.resolveContentId ? { resolveContentId: options.resolveContentId } : {});
      }
    }
    return { id, values };
  }

  private insert(entity: ResolvedEntity, id: string, given: RowValues, session: WriteSession): RowValues {
    const entitySet = entity.definition.entitySet;
    if (this.store.get(entitySet, id)) throw duplicateRecord();
    const values: RowValues = Object.create(null) as RowValues;
    Object.assign(values, given);
    this.applyState(entity, values, true);
    this.composeNames(entity, values);
    if ((entity.definition.ownership ?? 'user') === 'user' && values.ownerid === undefined) {
      values.ownerid = session.user;
      values['ownerid@type'] = Tables.systemUser.logicalName;
    }
    if ((entity.definition.ownership ?? 'user') === 'user') values.owningbusinessunit = this.identity.businessUnitId;
    const change: WriteChange = { entitySet, logicalName: entity.definition.logicalName, operation: 'create', id, values };
    this.runBefore(change, session);
    const row: RowValues = Object.create(null) as RowValues;
    Object.assign(row, change.values);
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
    if (converted.deepInserts.length > 0) throw validation('Deep insert is only supported on create.');
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
    for (const [name, attribute] of entity.attributes) {
      if (attribute.required && name in values && values[name] === null && attribute.name !== entity.definition.primaryId) {
        throw validation(`The '${name}' attribute of the '${entity.definition.logicalName}' entity is required and cannot be set to null.`);
      }
    }
    const change: WriteChange = { entitySet, logicalName: entity.definition.logicalName, operation: 'update', id, before: existing.values, values };
    this.runBefore(change, session);
    const row: RowValues = Object.create(null) as RowValues;
    Object.assign(row, existing.values, change.values);
    this.stamp(row, session, false);
    this.store.update(entitySet, id, row);
    session.committed.push({ ...change, after: row });
    return row;
  }

  /** Deletes a row (inside a transaction); throws 404 when it is missing. */
  delete(entitySet: string, id: string, session: WriteSession, options: { allowReadOnly?: boolean } = {}): void {
    const entity = this.entity(entitySet);
    if (!options.allowReadOnly && (entity.definition.readOnly || entity.definition.internal)) throw notSupported();
    const existing = this.store.get(entitySet, id);
    if (!existing) throw recordNotFound(entity.definition.logicalName, id);
    const change: WriteChange = { entitySet, logicalName: entity.definition.logicalName, operation: 'delete', id, before: existing.values, values: Object.create(null) as RowValues };
    this.runBefore(change, session);
    this.store.delete(entitySet, id);
    // Cascade delete of one-to-many children (custom API parameters and properties).
    for (const collection of entity.definition.collections ?? []) {
      const children: string[] = [];
      for (const row of this.store.scan(collection.entitySet)) if (row.values[collection.lookup] === id) children.push(row.id);
      for (const child of children) this.delete(collection.entitySet, child, session, { allowReadOnly: true });
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
