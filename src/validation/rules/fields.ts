/**
 * Journey field rules: the attributes of `msdyncrm_customerjourney` around the definition.
 * They run only when fields are given (a journey record, an export or a spec), never on a bare
 * definition. https://learn.microsoft.com/dynamics365/marketing/developer/basic-operations-on-customer-journey
 */
import { JourneyLookups } from '../../model/names.js';
import { ConsentSet, CONSENT_UNSET, ENTITY_TARGET_TILE_VALUE, EntityTargetSet, isOptionValue, JourneyStatusSet, journeyStateOf } from '../../model/optionSets.js';
import { childPointer, own } from '../journeyModel.js';
import type { Rule } from '../rule.js';
import { BRACED_GUID_PATTERN } from '../../util/guid.js';
import { at, changed, draftFields, example, simpleDefinition } from './examples.js';
import { describe } from './structure.js';

const BO = 'Customer journey API (basic-operations-on-customer-journey.md)';
const ECJ = 'Dataverse table reference for msdyncrm_customerjourney';
const CJAUTO = 'Recurring journeys (customer-journeys-create-automated-campaigns.md)';
const WD = 'Workflow definition reference (customer-journey-workflow-definition.md)';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Present and not null. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * A journey date in milliseconds, with seconds and milliseconds dropped: the service ignores
 * them (basic-operations-on-customer-journey.md). NaN when not a date.
 */
export function journeyTime(value: unknown): number {
  if (typeof value !== 'string' || value.trim() === '') return Number.NaN;
  const time = Date.parse(value);
  return Number.isNaN(time) ? time : Math.floor(time / MINUTE_MS) * MINUTE_MS;
}

function fieldsWith(change: Record<string, unknown>): Record<string, unknown> {
  return { ...draftFields(), ...change };
}

export const journeyName: Rule = {
  id: 'journey-name',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'The journey has a name (msdyncrm_name) of at most 100 characters.',
  rationale: 'msdyncrm_name is ApplicationRequired and a String(100): the only field required to create a journey.',
  sources: [BO, ECJ],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_name: '' }) }),
    passing: example(simpleDefinition(), { fields: draftFields() }),
  },
  check({ fields, report }) {
    if (!fields) return;
    const name = own(fields, 'msdyncrm_name');
    if (typeof name !== 'string' || name.trim() === '') {
      report({ message: `The journey has no name (msdyncrm_name is ${describe(name)}); give it one.`, pointer: '/msdyncrm_name', target: 'fields' });
    } else if (name.length > 100) {
      report({ message: `The journey name is ${name.length} characters long; msdyncrm_name holds at most 100.`, arguments: [String(name.length)], pointer: '/msdyncrm_name', target: 'fields' });
    }
  },
};

export const startBeforeEnd: Rule = {
  id: 'start-before-end',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'Start and end are ISO-8601 date-times, and the start is before the end.',
  rationale: 'A journey only acts between its start and end date-times; an end at or before the start leaves no time to run. The service ignores seconds, so the comparison does too.',
  sources: [BO, CJAUTO],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_enddatetime: '2030-02-01T09:00:00Z' }) }),
    passing: example(simpleDefinition(), { fields: draftFields() }),
  },
  check({ fields, report }) {
    if (!fields) return;
    const start = own(fields, 'msdyncrm_startdatetime');
    const end = own(fields, 'msdyncrm_enddatetime');
    for (const [name, value] of [['msdyncrm_startdatetime', start], ['msdyncrm_enddatetime', end]] as const) {
      if (given(value) && Number.isNaN(journeyTime(value))) {
        report({ message: `${name} is ${describe(value)}, not an ISO-8601 date-time such as 2030-03-01T09:00:00Z.`, pointer: `/${name}`, target: 'fields' });
      }
    }
    const startTime = journeyTime(start);
    const endTime = journeyTime(end);
    if (!Number.isNaN(startTime) && !Number.isNaN(endTime) && startTime >= endTime) {
      report({ message: `The journey ends (${String(end)}) before or when it starts (${String(start)}); move the end after the start.`, arguments: [String(start), String(end)], pointer: '/msdyncrm_enddatetime', target: 'fields' });
    }
  },
};

export const recurrenceSettings: Rule = {
  id: 'recurrence-settings',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'A recurring journey has a positive whole number of days per iteration and a positive iteration count.',
  rationale: 'msdyncrm_recurrenceintervaldays is the length of one iteration and msdyncrm_recurrencecount the number of iterations; a recurring journey with zero or no iterations never runs.',
  sources: [BO, ECJ, CJAUTO],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_isrecurring: true, msdyncrm_recurrenceintervaldays: 0, msdyncrm_recurrencecount: 3 }) }),
    passing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_isrecurring: true, msdyncrm_recurrenceintervaldays: 30, msdyncrm_recurrencecount: 3 }) }),
  },
  check({ fields, report }) {
    if (!fields || own(fields, 'msdyncrm_isrecurring') !== true) return;
    for (const name of ['msdyncrm_recurrenceintervaldays', 'msdyncrm_recurrencecount']) {
      const value = own(fields, name);
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
        report({ message: `The journey is recurring but ${name} is ${describe(value)}; set a whole number of at least 1.`, pointer: `/${name}`, target: 'fields' });
      }
    }
  },
};

export const recurrenceFits: Rule = {
  id: 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'For a recurring journey, interval days × iteration count fit between the start and the end.',
  rationale: 'Documented server fault: recurrenceintervaldays × recurrencecount must not exceed enddatetime − startdatetime. The id is the server\'s fault code, so offline and server results match.',
  sources: [BO, CJAUTO],
  serverMessage: 'The end date of the recurring journey does not leave room for the requested iterations: interval days × iteration count must fit between the start and the end.',
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_isrecurring: true, msdyncrm_recurrenceintervaldays: 30, msdyncrm_recurrencecount: 4 }) }),
    passing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_isrecurring: true, msdyncrm_recurrenceintervaldays: 30, msdyncrm_recurrencecount: 3 }) }),
  },
  check({ fields, report }) {
    if (!fields || own(fields, 'msdyncrm_isrecurring') !== true) return;
    const interval = own(fields, 'msdyncrm_recurrenceintervaldays');
    const count = own(fields, 'msdyncrm_recurrencecount');
    const start = journeyTime(own(fields, 'msdyncrm_startdatetime'));
    const end = journeyTime(own(fields, 'msdyncrm_enddatetime'));
    if (typeof interval !== 'number' || typeof count !== 'number' || interval <= 0 || count <= 0) return;
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return;
    const needed = interval * count * DAY_MS;
    if (needed > end - start) {
      const days = Math.floor((end - start) / DAY_MS);
      report({ message: `${count} iterations of ${interval} days need ${interval * count} days but the journey runs ${days} days; move the end date, or lower the interval or count.`, arguments: [], pointer: '/msdyncrm_enddatetime', target: 'fields' });
    }
  },
};

export const consentValue: Rule = {
  id: 'consent-value',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'msgdpr_requiredconsent is one of the consent levels 587030001–587030005, or -1 (unset).',
  rationale: 'msgdpr_requiredconsent is a picklist over the global consent option set with default -1; other values are rejected by Dataverse.',
  sources: [BO, ECJ],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msgdpr_requiredconsent: 4 }) }),
    passing: example(simpleDefinition(), { fields: draftFields() }),
  },
  check({ fields, report }) {
    if (!fields) return;
    const consent = own(fields, 'msgdpr_requiredconsent');
    if (!given(consent) || consent === CONSENT_UNSET || isOptionValue(ConsentSet, consent)) return;
    report({ message: `msgdpr_requiredconsent is ${describe(consent)}; use -1 (unset) or one of ${Object.keys(ConsentSet.labels).join(', ')}.`, pointer: '/msgdpr_requiredconsent', target: 'fields' });
  },
};

export const entityTargetValue: Rule = {
  id: 'entity-target-value',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'msdyncrm_entitytarget is 0 (Contact) or 1 (Account).',
  rationale: 'msdyncrm_entitytarget is an ApplicationRequired picklist with the values 0 Contact and 1 Account (default 0).',
  sources: [BO, ECJ],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_entitytarget: 2 }) }),
    passing: example(simpleDefinition(), { fields: draftFields() }),
  },
  check({ fields, report }) {
    if (!fields) return;
    const target = own(fields, 'msdyncrm_entitytarget');
    if (!given(target) || isOptionValue(EntityTargetSet, target)) return;
    report({ message: `msdyncrm_entitytarget is ${describe(target)}; use 0 (Contact) or 1 (Account).`, pointer: '/msdyncrm_entitytarget', target: 'fields' });
  },
};

export const timeZoneCode: Rule = {
  id: 'time-zone-code',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'msdyncrm_customerjourneytimezone is a whole number from -1500 to 1500.',
  rationale: 'The column is an Integer with range -1500..1500 holding a Dataverse time-zone code (e.g. 92); whether a code exists can only be checked online (timezonedefinitions).',
  sources: [BO, ECJ],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ msdyncrm_customerjourneytimezone: 2000 }) }),
    passing: example(simpleDefinition(), { fields: draftFields() }),
  },
  check({ fields, report }) {
    if (!fields) return;
    const zone = own(fields, 'msdyncrm_customerjourneytimezone');
    if (!given(zone)) return;
    if (typeof zone !== 'number' || !Number.isInteger(zone) || zone < -1500 || zone > 1500) {
      report({ message: `msdyncrm_customerjourneytimezone is ${describe(zone)}; use a time-zone code, a whole number from -1500 to 1500.`, pointer: '/msdyncrm_customerjourneytimezone', target: 'fields' });
    }
  },
};

export const tileEntityTarget: Rule = {
  id: 'tile-entity-target',
  category: 'fields',
  defaultSeverity: 'error',
  summary: "Every tile's EntityTarget is \"contact\" or \"account\" and matches the journey's entity target (or, without fields, the other tiles).",
  rationale: 'Tiles carry EntityTarget "contact" or "account" (account-based journeys); a tile targeting another entity than its journey processes the wrong records. Absent on the root and on empty placeholders.',
  sources: [WD, ECJ],
  examples: {
    failing: example(changed(simpleDefinition(), (d) => void (at(d, 2).EntityTarget = 'account')), { fields: draftFields() }),
    passing: example(simpleDefinition(), { fields: draftFields() }),
  },
  check({ model, fields, report }) {
    if (!model) return;
    const journeyTarget = fields ? own(fields, 'msdyncrm_entitytarget') : undefined;
    let expected: string | undefined =
      typeof journeyTarget === 'number' ? ENTITY_TARGET_TILE_VALUE[journeyTarget] : fields ? 'contact' : undefined;
    const source = expected === undefined ? 'the first tile' : 'the journey';
    for (const activity of model.activities) {
      const target = activity.entityTarget;
      if (target === undefined || activity.type === 'bpf_root' || activity.type === 'empty') continue;
      const pointer = (): string => childPointer(activity.pointer, 'EntityTarget');
      const value = target === 'contact' || target === 'account' ? target : typeof target === 'string' ? target.toLowerCase() : undefined;
      if (value !== 'contact' && value !== 'account') {
        report({ activityId: activity.id ?? '', message: `Tile '${activity.id}' has EntityTarget ${describe(target)}; use "contact" or "account".`, pointer: pointer() });
        continue;
      }
      if (expected === undefined) expected = value;
      else if (value !== expected) {
        report({ activityId: activity.id ?? '', message: `Tile '${activity.id}' targets ${value} but ${source} targets ${expected}; all tiles of a journey target the same entity.`, arguments: [value, expected], pointer: pointer() });
      }
    }
  },
};

export const journeyStatus: Rule = {
  id: 'journey-status',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'statuscode is a journey status (192350000 Draft … 192350007 Stopping), and statecode, when given, is the state that status belongs to.',
  rationale: 'statuscode uses the global option set msdyncrm_customerjourney_statuscode; Expired (192350004) is the only status of statecode 1 (Inactive), all others belong to statecode 0.',
  sources: [BO, ECJ],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ statuscode: 1 }) }),
    passing: example(simpleDefinition(), { fields: { ...draftFields(), statecode: 0 } }),
  },
  check({ fields, report }) {
    if (!fields) return;
    const status = own(fields, 'statuscode');
    if (!given(status)) return;
    if (!isOptionValue(JourneyStatusSet, status)) {
      report({ message: `statuscode is ${describe(status)}, not a journey status; use one of ${Object.keys(JourneyStatusSet.labels).join(', ')}.`, pointer: '/statuscode', target: 'fields' });
      return;
    }
    const state = own(fields, 'statecode');
    if (given(state) && state !== journeyStateOf(status)) {
      report({ message: `statecode is ${describe(state)} but status ${status} belongs to statecode ${journeyStateOf(status)}.`, pointer: '/statecode', target: 'fields' });
    }
  },
};

const GUID_IN_PARENS = new RegExp(`^\\(${BRACED_GUID_PATTERN}\\)$`);

export const lookupBind: Rule = {
  id: 'lookup-bind',
  category: 'fields',
  defaultSeverity: 'error',
  summary: 'Each `<navigation>@odata.bind` of a journey record names the right entity set and a record id, e.g. "/msdyncrm_contentsettingss(<guid>)".',
  rationale: 'Lookups are written with @odata.bind to the EntitySetName of the target table; several are irregular plurals (msdyncrm_contentsettingss, not msdyncrm_contentsettingses), so naive pluralisation fails on the server.',
  sources: [BO, ECJ],
  examples: {
    failing: example(simpleDefinition(), { fields: fieldsWith({ 'msdyncrm_contentsettingsId@odata.bind': '/msdyncrm_contentsettingses(1922b1d8-0523-e911-a9ba-000d3a1e689f)' }) }),
    passing: example(simpleDefinition(), { fields: fieldsWith({ 'msdyncrm_contentsettingsId@odata.bind': '/msdyncrm_contentsettingss(1922b1d8-0523-e911-a9ba-000d3a1e689f)' }) }),
  },
  check({ fields, report }) {
    if (!fields) return;
    for (const lookup of Object.values(JourneyLookups)) {
      const key = `${lookup.navigationProperty}@odata.bind`;
      const value = own(fields, key);
      if (value === undefined || value === null) continue;
      const pointer = `/${key}`;
      const match = typeof value === 'string' ? /^\/?([A-Za-z_][A-Za-z0-9_]*)(\(.*\))$/.exec(value) : null;
      const entitySet = match?.[1];
      if (!match || !GUID_IN_PARENS.test(match[2]!)) {
        report({ message: `${key} is ${describe(value)}; write "/${lookup.targetEntitySets[0]}(<record id>)".`, pointer, target: 'fields' });
      } else if (!lookup.targetEntitySets.includes(entitySet!)) {
        report({ message: `${key} binds to entity set "${entitySet}"; it must be ${lookup.targetEntitySets.map((set) => `"${set}"`).join(' or ')}.`, arguments: [entitySet!], pointer, target: 'fields' });
      }
    }
  },
};

export const FIELD_RULES: readonly Rule[] = [
  journeyStatus,
  journeyName,
  startBeforeEnd,
  recurrenceSettings,
  recurrenceFits,
  consentValue,
  entityTargetValue,
  timeZoneCode,
  tileEntityTarget,
  lookupBind,
];
