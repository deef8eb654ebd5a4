/**
 * The journey record fields a spec sets, in Web API shape: option sets as numbers, lookups as
 * `<navigation>@odata.bind` when the record id is known. A lookup known only by name is left out
 * of the fields and reported as unresolved.
 */
import { JourneyAttributes, JourneyLookups, type LookupNames } from '../model/names.js';
import { Consent, EntityTarget, JourneyType, Scope } from '../model/optionSets.js';
import { normalizeRef } from './specNormalize.js';
import type { JourneySpec, SpecRef } from './specTypes.js';

/** A reference a spec made by name only, to be resolved against an environment. */
export interface UnresolvedReference {
  /** What is referenced: a definition reference kind, or a journey field. */
  kind: 'segment' | 'email' | 'page' | 'form' | 'event' | 'survey' | 'workflow' | 'activityTemplate' | 'linkedInCampaign' | 'customChannelEntity' | 'contentSettings' | 'suppressionSegment' | 'template';
  /** The name given in the spec. */
  name: string;
  /** Where the name is in the spec. */
  pointer: string;
  /** ActivityId of the tile holding the item; `""` for journey fields. */
  activityId: string;
  /** ActivityItemId of the item whose `ItemId` is still null (absent for journey fields). */
  activityItemId?: number;
}

const CONSENT_VALUES: Readonly<Record<NonNullable<JourneySpec['consent']>, number>> = Object.freeze({
  consent: Consent.Consent,
  transactional: Consent.Transactional,
  subscriptions: Consent.Subscriptions,
  marketing: Consent.Marketing,
  profiling: Consent.Profiling,
});

const LOOKUP_FIELDS: readonly { key: 'contentSettings' | 'suppressionSegment' | 'template'; lookup: LookupNames }[] = [
  { key: 'contentSettings', lookup: JourneyLookups.contentSettings },
  { key: 'suppressionSegment', lookup: JourneyLookups.suppressionSegment },
  { key: 'template', lookup: JourneyLookups.template },
];

/** Record fields (Web API shape) of a spec, and its lookups that are known by name only. */
export function specFields(spec: JourneySpec): { fields: Record<string, unknown>; unresolved: UnresolvedReference[] } {
  const fields: Record<string, unknown> = {};
  const unresolved: UnresolvedReference[] = [];
  fields[JourneyAttributes.name] = spec.name;
  if (spec.description !== undefined) fields[JourneyAttributes.description] = spec.description;
  fields[JourneyAttributes.entityTarget] = spec.target === 'account' ? EntityTarget.Account : EntityTarget.Contact;
  fields[JourneyAttributes.type] = spec.type === 'linkedin' ? JourneyType.LinkedIn : JourneyType.Automated;
  if (spec.scope !== undefined) fields[JourneyAttributes.scope] = spec.scope === 'businessUnit' ? Scope.BusinessUnit : Scope.Organization;
  if (spec.start !== undefined) fields[JourneyAttributes.startDateTime] = spec.start;
  if (spec.end !== undefined) fields[JourneyAttributes.endDateTime] = spec.end;
  if (spec.timeZone !== undefined) fields[JourneyAttributes.timeZone] = spec.timeZone;
  fields[JourneyAttributes.isRecurring] = spec.recurrence !== undefined;
  if (spec.recurrence) {
    fields[JourneyAttributes.recurrenceIntervalDays] = spec.recurrence.intervalDays;
    fields[JourneyAttributes.recurrenceCount] = spec.recurrence.count;
  }
  if (spec.consent !== undefined) fields[JourneyAttributes.requiredConsent] = CONSENT_VALUES[spec.consent];
  for (const { key, lookup } of LOOKUP_FIELDS) {
    const value: SpecRef | undefined = spec[key];
    if (value === undefined) continue;
    const ref = normalizeRef(value, `/${key}`);
    if (ref.id !== null) {
      fields[`${lookup.navigationProperty}@odata.bind`] = `/${lookup.targetEntitySets[0]!}(${ref.id})`;
    } else if (ref.name !== undefined) {
      unresolved.push({ kind: key, name: ref.name, pointer: ref.pointer, activityId: '' });
    }
  }
  return { fields, unresolved };
}
