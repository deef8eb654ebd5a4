/**
 * Building blocks for the rule catalogue's examples: a small, valid journey in the shape the
 * designer writes (root, segment group, email with a landing page, an if/then trigger), and a
 * way to derive a broken copy from it. Examples are data, so they double as test fixtures.
 */
import type { ValidateJourneyInput } from '../rule.js';

type Json = Record<string, unknown>;

export const SEGMENT_ID = '24db2671-1529-e911-a9b7-000d3a1e6adc';
export const EMAIL_ID = '15bd0ab8-c12a-e911-a9b6-000d3a1e6c14';
export const SECOND_EMAIL_ID = '8f2b5d7e-3c1a-4e9b-9a0d-6f4c2e1b7a55';
export const PAGE_ID = '5e0f2a6c-9d3b-4f1e-8c7a-2b6d4e9f1a03';

function item(type: string, activityItemId: number, itemId: string | null, extra: Json = {}): Json {
  return { ItemId: itemId, ActivityTypeId: type, Title: 'Undefined', IsNameSystemDefined: true, Name: type, ActivityItemId: activityItemId, ...extra };
}

function activity(type: string, id: string, parent: string, branch: number, items: Json[], relationship = 'Default'): Json {
  return {
    ActivityTypeId: type,
    ParentActivityId: parent,
    ParentBranchId: branch,
    ParentRelationshipType: relationship,
    ActivityId: id,
    Properties: { Items: items },
    EntityTarget: 'contact',
  };
}

function root(): Json {
  return {
    ActivityTypeId: 'bpf_root',
    ParentBranchId: 0,
    ParentRelationshipType: 'Default',
    ActivityId: '01',
    Properties: { Items: [item('bpf_root', 0, null, { Name: 'New ActivityTypeName_bpf_root_TitleText' })] },
  };
}

/** Root → segment group (one segment) → email (with a landing page). */
export function simpleDefinition(): Json[] {
  return [
    root(),
    activity('Segment', '01_0', '01', 0, [
      item('Segment', 23, null, { SegmentMergeMethod: 'Union' }),
      item('SegmentItem', 24, SEGMENT_ID, {
        ContainmentMethod: 'Inclusion',
        SegmentSourceType: 'Segment',
        DciSegmentName: 'Newsletter_subscribers_09c58544',
        SegmentDisplayName: 'Newsletter subscribers',
      }),
    ]),
    activity('Email', '01_0_2', '01_0', 0, [item('Email', 32, EMAIL_ID), item('LandingPage', 33, PAGE_ID)]),
  ];
}

/** The simple journey plus an if/then on the landing page: yes → second email, no → empty. */
export function triggerDefinition(): Json[] {
  return [
    ...simpleDefinition(),
    activity('Trigger', '01_0_2_4', '01_0_2', 0, [
      item('Trigger', 40, null, {
        TimeoutValue: 5,
        TimeoutUnit: 'Day',
        RuleLogic: 'AND',
        ConditionExpressions: [{ SourceActivityItemId: '33', Condition: 'UserRegistered' }],
      }),
    ]),
    activity('Email', '01_0_2_4_5', '01_0_2_4', 0, [item('Email', 41, SECOND_EMAIL_ID)], 'YesBranch'),
    {
      ActivityTypeId: 'empty',
      ParentActivityId: '01_0_2_4',
      ParentBranchId: 1,
      ParentRelationshipType: 'NoBranch',
      ActivityId: '01_0_2_4_6',
      Properties: { Items: [] },
    },
  ];
}

/** A random split with two branches, each sending an email. */
export function splitterDefinition(): Json[] {
  const [rootActivity, segment] = simpleDefinition();
  return [
    rootActivity!,
    segment!,
    activity('Splitter', '01_0_3', '01_0', 0, [item('Splitter', 50, null)]),
    activity('SplitterBranch', '01_0_3_4', '01_0_3', 0, [item('SplitterBranch', 51, null)]),
    activity('SplitterBranch', '01_0_3_5', '01_0_3', 1, [item('SplitterBranch', 52, null)]),
    activity('Email', '01_0_3_4_6', '01_0_3_4', 0, [item('Email', 53, EMAIL_ID)]),
    activity('Email', '01_0_3_5_7', '01_0_3_5', 0, [item('Email', 54, SECOND_EMAIL_ID)]),
  ];
}

/** Journey fields of a valid draft, as the Web API returns them. */
export function draftFields(): Json {
  return {
    msdyncrm_name: 'Spring newsletter',
    statuscode: 192350000,
    msdyncrm_startdatetime: '2030-03-01T09:00:00Z',
    msdyncrm_enddatetime: '2030-06-01T09:00:00Z',
    msdyncrm_customerjourneytimezone: 92,
    msdyncrm_isrecurring: false,
    msdyncrm_entitytarget: 0,
    msgdpr_requiredconsent: 587030004,
  };
}

/** A deep copy of `value` changed by `change` (examples must not share objects). */
export function changed<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

/** An example input: a definition, optionally with fields and more. */
export function example(definition: unknown, more: Omit<ValidateJourneyInput, 'definition'> = {}): ValidateJourneyInput {
  return { definition, ...more };
}

/** Shorthand for reading a nested value of an example definition while changing it. */
export function at(definition: Json[], index: number): Json {
  return definition[index]!;
}

/** Items of an activity of an example definition. */
export function itemsOf(definition: Json[], index: number): Json[] {
  return (at(definition, index).Properties as { Items: Json[] }).Items;
}
