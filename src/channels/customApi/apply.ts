/**
 * `customapi apply`: make Dataverse hold the custom API a spec describes, idempotently.
 *
 * - No API with the spec's unique name → one deep insert (`POST customapis` with its request
 *   parameters and response properties), every row with a client-generated id so a retry after a
 *   lost answer creates nothing twice → `created`.
 * - One that matches → `unchanged`, nothing written.
 * - One that differs only in columns Dataverse lets you change (names, description, IsPrivate,
 *   execute privilege, plug-in type, IsCustomizable), or lacks a parameter/property → those
 *   columns are updated and the members created → `updated`.
 * - One that differs in a column that "cannot be changed after it is saved" (binding, bound
 *   table, function/action, allowed processing steps, workflow-enabled; a member's type,
 *   optionality or table), or has a member the spec lacks → an {@link InputError} naming each, and
 *   nothing is written.
 * https://learn.microsoft.com/power-apps/developer/data-platform/custom-api-tables
 */
import { randomUUID } from 'node:crypto';
import type { DataverseClient, DataverseRecord } from '../../dataverse/index.js';
import { InputError } from '../../errors.js';
import { Tables } from '../../model/names.js';
import { toDeepInsertBody, type CustomApiMemberRow } from './deepInsert.js';
import type { CustomApiDefinition, CustomApiSpec } from './spec.js';

/** What {@link applyCustomApi} did. */
export interface ApplyCustomApiResult {
  action: 'created' | 'updated' | 'unchanged';
  id: string;
  uniqueName: string;
  /** What was created or changed (`displayname`, `request parameter cr65f_x` …). */
  changes: string[];
}

/** Options of {@link applyCustomApi}. */
export interface ApplyCustomApiOptions {
  /** Create inside this unmanaged solution (`MSCRM.SolutionUniqueName`). @default the default solution */
  solution?: string;
  /** Work out the action without writing. @default false */
  dryRun?: boolean;
  /** The file the spec came from, for error locations. */
  file?: string;
}

/** Columns of `customapi` that cannot change once saved. */
const API_IMMUTABLE = ['bindingtype', 'boundentitylogicalname', 'isfunction', 'allowedcustomprocessingsteptype', 'workflowsdkstepenabled'] as const;
/** Columns of `customapi` that may be updated. */
const API_MUTABLE = ['name', 'displayname', 'description', 'isprivate', 'executeprivilegename'] as const;
/** Member columns that cannot change once saved (isoptional only exists on request parameters). */
const MEMBER_IMMUTABLE = ['type', 'logicalentityname', 'isoptional'] as const;
const MEMBER_MUTABLE = ['name', 'displayname', 'description'] as const;

const MEMBER_TABLES = {
  request: { table: Tables.customApiRequestParameter, body: 'CustomAPIRequestParameters', label: 'request parameter' },
  response: { table: Tables.customApiResponseProperty, body: 'CustomAPIResponseProperties', label: 'response property' },
} as const;

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v === undefined || v === '' ? null : typeof v === 'string' ? v.toLowerCase() : v);
  return norm(a) === norm(b);
}

function managedValue(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const inner = (value as { Value?: unknown } | null)?.Value;
  return typeof inner === 'boolean' ? inner : undefined;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Apply a spec (see the module comment). */
export async function applyCustomApi(client: DataverseClient, spec: CustomApiSpec | CustomApiDefinition, options: ApplyCustomApiOptions = {}): Promise<ApplyCustomApiResult> {
  const desired = toDeepInsertBody(spec, { assignId: () => randomUUID() });
  const headers = options.solution ? { 'MSCRM.SolutionUniqueName': options.solution } : undefined;
  const existing = await findByUniqueName(client, desired.uniquename);
  if (existing === undefined) {
    if (!options.dryRun) await client.create(Tables.customApi.entitySet, desired as unknown as DataverseRecord, { ...(headers ? { headers } : {}) });
    return {
      action: 'created',
      id: desired.customapiid!,
      uniqueName: desired.uniquename,
      changes: [
        `custom API ${desired.uniquename}`,
        ...desired.CustomAPIRequestParameters.map((p) => `request parameter ${p.uniquename}`),
        ...desired.CustomAPIResponseProperties.map((p) => `response property ${p.uniquename}`),
      ],
    };
  }
  const id = String(existing[Tables.customApi.primaryId]);
  const immutable: string[] = [];
  const apiUpdate: DataverseRecord = {};
  for (const column of API_IMMUTABLE) {
    if (!same(existing[column], desired[column])) immutable.push(`${column} (Dataverse has ${JSON.stringify(existing[column] ?? null)}, the spec ${JSON.stringify(desired[column] ?? null)})`);
  }
  for (const column of API_MUTABLE) if (!same(existing[column], desired[column])) apiUpdate[column] = desired[column] ?? null;
  if (managedValue(existing.iscustomizable) !== undefined && managedValue(existing.iscustomizable) !== desired.iscustomizable.Value) apiUpdate.iscustomizable = desired.iscustomizable;
  const desiredPlugin = /plugintypes\(([^)]+)\)/.exec(desired['PluginTypeId@odata.bind'] ?? '')?.[1];
  if (!same(existing._plugintypeid_value, desiredPlugin)) {
    if (desiredPlugin === undefined) immutable.push('plugintypeid (set in Dataverse, absent from the spec: add pluginTypeId to the spec)');
    else apiUpdate['PluginTypeId@odata.bind'] = desired['PluginTypeId@odata.bind'];
  }

  const memberUpdates: { set: string; id: string; data: DataverseRecord; label: string }[] = [];
  const memberCreates: { set: string; data: DataverseRecord; label: string }[] = [];
  for (const kind of ['request', 'response'] as const) {
    const { table, body, label } = MEMBER_TABLES[kind];
    const stored = new Map<string, DataverseRecord>();
    for await (const row of client.query(table.entitySet, { filter: `_customapiid_value eq ${id}` })) stored.set(String(row.uniquename), row);
    for (const member of desired[body] as CustomApiMemberRow[]) {
      const row = stored.get(member.uniquename);
      stored.delete(member.uniquename);
      if (row === undefined) {
        memberCreates.push({ set: table.entitySet, data: { ...member, 'CustomAPIId@odata.bind': `/${Tables.customApi.entitySet}(${id})` } as DataverseRecord, label: `${label} ${member.uniquename}` });
        continue;
      }
      for (const column of MEMBER_IMMUTABLE) {
        if (column === 'isoptional' && kind === 'response') continue;
        const want = (member as unknown as Record<string, unknown>)[column];
        if (!same(row[column], want)) immutable.push(`${label} ${member.uniquename}: ${column} (Dataverse has ${JSON.stringify(row[column] ?? null)}, the spec ${JSON.stringify(want ?? null)})`);
      }
      const data: DataverseRecord = {};
      for (const column of MEMBER_MUTABLE) if (!same(row[column], member[column])) data[column] = member[column];
      if (managedValue(row.iscustomizable) !== undefined && managedValue(row.iscustomizable) !== member.iscustomizable.Value) data.iscustomizable = member.iscustomizable;
      if (Object.keys(data).length > 0) memberUpdates.push({ set: table.entitySet, id: String(row[table.primaryId]), data, label: `${label} ${member.uniquename}` });
    }
    for (const name of stored.keys()) immutable.push(`${label} ${name} exists in Dataverse but not in the spec`);
  }
  if (immutable.length > 0) {
    throw new InputError(`custom API ${desired.uniquename} exists with a different definition that cannot be updated: ${immutable.join('; ')}`, {
      ...(options.file ? { file: options.file } : {}),
      recordId: id,
    }, { hint: 'these columns cannot change once saved: delete the custom API (and its members) and apply again, or give the spec a new uniqueName' });
  }
  const changes = [...Object.keys(apiUpdate).map((c) => (c.endsWith('@odata.bind') ? 'plugintypeid' : c)), ...memberUpdates.map((m) => `${m.label} (${Object.keys(m.data).join(', ')})`), ...memberCreates.map((m) => `${m.label} (new)`)];
  if (changes.length === 0) return { action: 'unchanged', id, uniqueName: desired.uniquename, changes: [] };
  if (!options.dryRun) {
    if (Object.keys(apiUpdate).length > 0) await client.update(Tables.customApi.entitySet, id, apiUpdate);
    for (const m of memberUpdates) await client.update(m.set, m.id, m.data);
    for (const m of memberCreates) await client.create(m.set, m.data, { ...(headers ? { headers } : {}) });
  }
  return { action: 'updated', id, uniqueName: desired.uniquename, changes };
}

async function findByUniqueName(client: DataverseClient, uniqueName: string): Promise<DataverseRecord | undefined> {
  const rows = client.query(Tables.customApi.entitySet, { filter: `uniquename eq ${quote(uniqueName)}`, maxPageSize: 2 });
  for await (const row of rows) return row;
  return undefined;
}
