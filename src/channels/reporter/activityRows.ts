/**
 * Reading custom channel activity rows (`msdyncrm_customerjourneycustomchannelactivities`) and
 * turning one activity plus one provider response into the parameters of
 * `msdyncrm_CustomChannelActivityCreateInteraction`.
 * https://learn.microsoft.com/dynamics365/customer-insights/journeys/developer/create-custom-channel-activity-interaction
 */
import { CustomChannelActivityAttributes as CCA, ODATA_NAMESPACE, Tables } from '../../model/names.js';
import type { ChannelActivity, ProviderResponse } from './types.js';

/** Columns the reporter reads. Lookups are read as `_<attribute>_value`. */
export const ACTIVITY_SELECT: readonly string[] = [
  CCA.id,
  CCA.name,
  CCA.activityId,
  CCA.entityType,
  CCA.entityId,
  CCA.journey.valueProperty,
  CCA.iteration.valueProperty,
  CCA.contact.valueProperty,
  'createdon',
  'modifiedon',
];

function text(row: Record<string, unknown>, column: string): string | undefined {
  const value = row[column];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The activity a row describes, or the name of the first missing column (every column a report
 * needs is ApplicationRequired, but a hand-made row may lack one).
 */
export function activityFromRow(row: Record<string, unknown>): { activity: ChannelActivity } | { missing: string; rowId: string | undefined } {
  const rowId = text(row, CCA.id);
  const columns = {
    rowId,
    activityId: text(row, CCA.activityId),
    journeyId: text(row, CCA.journey.valueProperty),
    iterationId: text(row, CCA.iteration.valueProperty),
    contactId: text(row, CCA.contact.valueProperty),
    entityType: text(row, CCA.entityType),
    entityId: text(row, CCA.entityId),
  };
  for (const [name, value] of Object.entries(columns)) if (value === undefined) return { missing: name, rowId };
  const activity: ChannelActivity = {
    rowId: columns.rowId!.toLowerCase(),
    activityId: columns.activityId!,
    journeyId: columns.journeyId!.toLowerCase(),
    iterationId: columns.iterationId!.toLowerCase(),
    contactId: columns.contactId!.toLowerCase(),
    entityType: columns.entityType!,
    entityId: columns.entityId!,
  };
  const name = text(row, CCA.name);
  if (name !== undefined) activity.name = name;
  const createdOn = text(row, 'createdon');
  if (createdOn !== undefined) activity.createdOn = createdOn;
  const modifiedOn = text(row, 'modifiedon');
  if (modifiedOn !== undefined) activity.modifiedOn = modifiedOn;
  return { activity };
}

/** An entity-typed action parameter: `{"@odata.type":"Microsoft.Dynamics.CRM.<logical>","<pk>":"<id>"}`. */
export function entityReference(table: { logicalName: string; primaryId: string }, id: string): Record<string, string> {
  return { '@odata.type': `${ODATA_NAMESPACE}.${table.logicalName}`, [table.primaryId]: id };
}

/** The parameters of `msdyncrm_CustomChannelActivityCreateInteraction` for one response. */
export function createInteractionParameters(activity: ChannelActivity, response: ProviderResponse): Record<string, unknown> {
  const parameters: Record<string, unknown> = {
    ActivityId: activity.activityId,
    CustomerJourney: entityReference(Tables.customerJourney, activity.journeyId),
    CustomerJourneyIteration: entityReference(Tables.journeyIteration, activity.iterationId),
    Contact: entityReference(Tables.contact, activity.contactId),
    EntityType: activity.entityType,
    EntityId: activity.entityId,
    ResponseType: response.responseType,
  };
  if (response.triggerKeyword !== undefined && response.triggerKeyword !== '') parameters.TriggerKeyword = response.triggerKeyword;
  return parameters;
}

/** Which activity rows a pass reads. */
export interface ActivityFilter {
  /** Only these journeys. */
  journeyIds?: readonly string[];
  /** Only rows modified at or after this instant (ISO-8601): the watermark. */
  modifiedSince?: string;
}

/** The OData `$filter` for an {@link ActivityFilter} (active rows only). */
export function activityFilterExpression(filter: ActivityFilter): string {
  const parts = ['statecode eq 0'];
  if (filter.journeyIds && filter.journeyIds.length > 0) {
    parts.push(`(${filter.journeyIds.map((id) => `${CCA.journey.valueProperty} eq ${id}`).join(' or ')})`);
  }
  if (filter.modifiedSince !== undefined) parts.push(`modifiedon ge ${filter.modifiedSince}`);
  return parts.join(' and ');
}
