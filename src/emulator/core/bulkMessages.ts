/**
 * The bulk operation messages bound to entity sets: `CreateMultiple`, `UpdateMultiple` and
 * `UpsertMultiple` (`POST <set>/Microsoft.Dynamics.CRM.CreateMultiple` with `{"Targets": [...]}`).
 * Every item of `Targets` carries `@odata.type` naming the table of the entity set. On standard
 * tables the whole request is one transaction: any failing row rolls every row back.
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/createmultiple
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/updatemultiple
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/upsertmultiple
 */
import { WebApiError, badRequest, notSupported, recordNotFound } from './errors.js';
import type { ResolvedEntity } from './entities/registry.js';
import { jsonResponse, noContent } from './http.js';
import type { EmulatorStore } from './store.js';
import type { CoreResponse } from './types.js';
import { isGuid, isJsonObject } from './values.js';
import type { Writer, WriteSession } from './writes.js';

/** The bulk messages the emulator serves, by their action name. */
export const BULK_MESSAGES = new Set(['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple']);

/**
 * Most rows one bulk request may carry. Dataverse sets no count but fails requests over its message
 * size and two-minute time limits; the emulator uses a fixed count so the failure is reproducible.
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations#message-size-and-time-limits
 */
export const MAX_BULK_TARGETS = 10_000;

export interface BulkContext {
  store: EmulatorStore;
  writer: Writer;
  session: WriteSession;
  root: string;
}

const TYPE_PREFIX = 'Microsoft.Dynamics.CRM.';

/** 400 for a malformed `Targets` item: says which item and what to send. */
function targetError(index: number, message: string): WebApiError {
  return badRequest(`Targets[${index}]: ${message}`);
}

/** Checks `Targets` and the `@odata.type` of every item. */
function readTargets(body: unknown, entity: ResolvedEntity, message: string): Record<string, unknown>[] {
  if (!isJsonObject(body)) throw badRequest(`The ${message} parameters must be a JSON object with a 'Targets' array.`);
  for (const key of Object.keys(body)) {
    if (key !== 'Targets' && !key.startsWith('@')) throw badRequest(`The parameter '${key}' is not a parameter of ${message}; it takes only 'Targets'.`);
  }
  const targets = body.Targets;
  if (!Array.isArray(targets)) throw badRequest(`${message} needs the 'Targets' parameter: an array of ${entity.definition.logicalName} records, each with "@odata.type": "${TYPE_PREFIX}${entity.definition.logicalName}".`);
  if (targets.length === 0) throw badRequest(`${message}: the 'Targets' collection is empty; send at least one record.`);
  if (targets.length > MAX_BULK_TARGETS) {
    throw new WebApiError(400, '0x80040203', `${message}: ${targets.length} records exceed the emulator's limit of ${MAX_BULK_TARGETS} per request; send fewer records per request.`);
  }
  const expected = `${TYPE_PREFIX}${entity.definition.logicalName}`;
  return targets.map((target, index) => {
    if (!isJsonObject(target)) throw targetError(index, 'each item must be a JSON object.');
    const type = target['@odata.type'];
    if (type === undefined) throw targetError(index, `the '@odata.type' annotation is missing; every item needs "@odata.type": "${expected}".`);
    const normalized = typeof type === 'string' ? (type.startsWith('#') ? type.slice(1) : type) : '';
    if (normalized !== expected) {
      throw targetError(index, `the record type '${String(type)}' differs from the entity set's type '${expected}'; all records of a ${message} must be of the same table.`);
    }
    return target;
  });
}

/** The primary key given in a target (GUID string), lower-cased; undefined when absent. */
function primaryKeyOf(entity: ResolvedEntity, target: Record<string, unknown>, index: number): string | undefined {
  const value = target[entity.definition.primaryId];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isGuid(value)) throw targetError(index, `'${entity.definition.primaryId}' must be a GUID.`);
  return value.toLowerCase();
}

/** Runs a bulk message on an entity set; the caller checked the method is POST. */
export function runBulkMessage(name: string, entity: ResolvedEntity, body: unknown, context: BulkContext): CoreResponse {
  if (entity.definition.readOnly) throw notSupported();
  const entitySet = entity.definition.entitySet;
  const targets = readTargets(body, entity, name);
  const { store, writer, session } = context;
  const context_ = `${context.root}$metadata#Microsoft.Dynamics.CRM.${name}Response`;

  if (name === 'CreateMultiple') {
    const ids = store.transaction(() => targets.map((target) => writer.createFromBody(entitySet, target, session).id));
    return jsonResponse(200, { '@odata.context': context_, Ids: ids });
  }

  if (name === 'UpdateMultiple') {
    const seen = new Set<string>();
    const keyed = targets.map((target, index) => {
      const id = primaryKeyOf(entity, target, index);
      if (id === undefined) throw targetError(index, `UpdateMultiple needs the primary key '${entity.definition.primaryId}' in every record.`);
      if (seen.has(id)) throw targetError(index, `the record ${id} appears more than once in Targets; each record may be updated once per request.`);
      seen.add(id);
      return { id, target };
    });
    store.transaction(() => {
      for (const { id, target } of keyed) {
        if (!store.get(entitySet, id)) throw recordNotFound(entity.definition.logicalName, id);
        const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const key of Object.keys(target)) if (key !== entity.definition.primaryId) values[key] = target[key];
        writer.updateFromBody(entitySet, id, values, session);
      }
    });
    return noContent();
  }

  // UpsertMultiple: update the rows that exist, create the others with the id given.
  const seen = new Set<string>();
  const keyed = targets.map((target, index) => {
    const id = primaryKeyOf(entity, target, index);
    if (id !== undefined) {
      if (seen.has(id)) throw targetError(index, `the record ${id} appears more than once in Targets; each record may be upserted once per request.`);
      seen.add(id);
    }
    return { id, target };
  });
  const ids = store.transaction(() =>
    keyed.map(({ id, target }) => {
      if (id !== undefined && store.get(entitySet, id)) {
        const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const key of Object.keys(target)) if (key !== entity.definition.primaryId) values[key] = target[key];
        writer.updateFromBody(entitySet, id, values, session);
        return id;
      }
      return writer.createFromBody(entitySet, target, session, id === undefined ? {} : { id }).id;
    }),
  );
  return jsonResponse(200, { '@odata.context': context_, Ids: ids });
}
