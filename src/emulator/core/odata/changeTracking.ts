/**
 * Change tracking: `Prefer: odata.track-changes` on a collection GET answers every row plus an
 * `@odata.deltaLink`; a GET of that link (`$deltatoken`) answers the rows created or changed since,
 * then a `$deletedEntity` entry for each row deleted since, and a new delta link. Deletions are
 * remembered by a core plugin in the internal table `emulator_deletion` (the version at which the
 * row went away). Only `$select` may accompany change tracking, as in Dataverse.
 * https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems#retrieve-changes-for-a-table-using-web-api
 */
import { WebApiError, badRequest } from '../errors.js';
import type { EmulatorStore } from '../store.js';
import type { EmulatorPlugin, EntityDefinition, StoredRow } from '../types.js';

export const DELETIONS: EntityDefinition = {
  logicalName: 'emulator_deletion',
  entitySet: 'emulator_deletions',
  primaryId: 'emulator_deletionid',
  primaryName: 'emulator_recordid',
  ownership: 'none',
  internal: true,
  attributes: [
    { name: 'emulator_entityset', type: 'string', maxLength: 200 },
    { name: 'emulator_recordid', type: 'string', maxLength: 36 },
  ],
};

/** Records every client or system delete of a served table, for delta queries. */
export function changeTrackingPlugin(): EmulatorPlugin {
  return {
    name: 'change-tracking',
    entities: [DELETIONS],
    afterCommit(change, context) {
      if (change.operation !== 'delete' || change.entitySet === DELETIONS.entitySet) return;
      const table = context.core.entities.bySet(change.entitySet);
      if (!table || table.internal) return;
      context.core.write({ entitySet: DELETIONS.entitySet, operation: 'create', values: { emulator_entityset: change.entitySet, emulator_recordid: change.id } }, { system: true });
    },
  };
}

/** Whether the `Prefer` header asks for `odata.track-changes`. */
export function wantsTrackChanges(prefer: string | undefined): boolean {
  return prefer !== undefined && /(^|,)\s*odata\.track-changes\s*(,|$)/i.test(prefer);
}

/** Query options allowed with change tracking. */
const ALLOWED = new Set(['$select', '$deltatoken']);

/** Refuses the options Dataverse does not combine with change tracking. */
export function checkTrackingOptions(names: Iterable<string>): void {
  for (const name of names) {
    if (name.startsWith('$') && !ALLOWED.has(name)) {
      throw badRequest(`The query option '${name}' cannot be used with change tracking; only $select is supported with odata.track-changes and $deltatoken.`);
    }
  }
}

/** `<version>!<UTC time>`, the shape of Dataverse's delta tokens. */
export function encodeDeltaToken(version: number): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${version}!${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}/${now.getUTCFullYear()} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
}

export function decodeDeltaToken(token: string): number {
  const match = /^(\d+)(!|$)/.exec(token.trim());
  if (!match) throw new WebApiError(400, '0x80072491', `The $deltatoken '${token.slice(0, 50)}' is not valid; use the @odata.deltaLink of the previous answer unchanged.`);
  return Number(match[1]);
}

/** Rows changed after `since` (all rows when undefined), ids deleted after it, and the version now. */
export function changesSince(store: EmulatorStore, entitySet: string, since: number | undefined): { changed: StoredRow[]; deleted: string[]; version: number } {
  let version = since ?? 0;
  const changed: StoredRow[] = [];
  for (const row of store.scan(entitySet)) {
    if (row.version > version && since === undefined) version = row.version;
    if (since === undefined || row.version > since) {
      changed.push(row);
      if (row.version > version) version = row.version;
    }
  }
  const deleted: string[] = [];
  for (const row of store.scan(DELETIONS.entitySet)) {
    if (row.values.emulator_entityset !== entitySet) continue;
    if (row.version > version) version = row.version;
    if (since === undefined || row.version <= since) continue;
    const id = String(row.values.emulator_recordid);
    if (!store.get(entitySet, id) && !deleted.includes(id)) deleted.push(id);
  }
  return { changed, deleted, version };
}
