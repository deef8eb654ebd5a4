/**
 * CSV for spreadsheets: RFC 4180 (CRLF line ends, fields with `,` `"` CR or LF quoted, quotes
 * doubled), and safe against formula injection: a text cell starting with `=`, `+`, `-`, `@`,
 * tab or CR is prefixed with `'` so spreadsheet programs show it as text instead of running it.
 * https://www.rfc-editor.org/rfc/rfc4180 and https://owasp.org/www-community/attacks/CSV_Injection
 */
import type { AuditJourneyRow, AuditReferenceRow } from '../types.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field. Numbers and booleans are written as they are; text is neutralized and quoted when needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, with the CRLF line end. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** Columns of the journeys CSV. */
export const JOURNEY_COLUMNS = [
  'id',
  'name',
  'status',
  'owner',
  'ownerStatus',
  'startDate',
  'endDate',
  'isRecurring',
  'scope',
  'template',
  'contentSettings',
  'tileCount',
  'tiles',
  'references',
  'customChannelActivities',
  'unknownTileTypes',
  'errors',
  'warnings',
  'mapping',
  'risks',
  'effortHours',
  'recreatedAs',
] as const;

/** The journeys CSV row of a journey. */
export function journeyCsvLine(row: AuditJourneyRow): string {
  return csvLine([
    row.id,
    row.name,
    row.status,
    row.ownerName ?? row.ownerId,
    row.ownerStatus,
    row.startDate,
    row.endDate,
    row.isRecurring,
    row.scope,
    row.templateName ?? row.templateId,
    row.contentSettingsName ?? row.contentSettingsId,
    row.tileCount,
    Object.entries(row.tiles)
      .map(([type, count]) => `${type}=${count}`)
      .join(';'),
    row.referenceCount,
    row.customChannelActivities,
    row.unknownTileTypes.join(';'),
    row.findings.error,
    row.findings.warning,
    row.mapping,
    row.risks.join(';'),
    row.effortHours,
    row.recreatedAs,
  ]);
}

/** Columns of the references CSV. */
export const REFERENCE_COLUMNS = ['journeyId', 'journeyName', 'kind', 'id', 'name', 'dciSegmentName', 'tileType', 'activityId', 'pointer', 'resolution', 'recordStatus'] as const;

/** The references CSV row of a reference. */
export function referenceCsvLine(row: AuditReferenceRow): string {
  return csvLine(REFERENCE_COLUMNS.map((column) => row[column]));
}
