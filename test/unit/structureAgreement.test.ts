/**
 * "Changing the tile structure" means one thing everywhere: the validator's change rule, the
 * emulator's field locks and `journeys apply` all use src/definition/structure.ts. Nested items
 * (a segment group's segments) are tile settings; tiles and where they hang are structure.
 */
import { describe, expect, it } from 'vitest';
import { journey, sameStructure, type WorkflowDefinition } from '../../src/definition/index.js';
import { JourneyStatus } from '../../src/model/optionSets.js';
import { sameStructure as emulatorSameStructure } from '../../src/emulator/marketing/definitionStructure.js';
import { validateJourney } from '../../src/validation/index.js';

const SEGMENT_A = { id: '11111111-1111-4111-8111-111111111111', name: 'A' };
const SEGMENT_B = { id: '22222222-2222-4222-8222-222222222222', name: 'B' };
const EMAIL = { id: '33333333-3333-4333-8333-333333333333', name: 'Welcome' };

function build(segments: (typeof SEGMENT_A)[], waitFirst: boolean): WorkflowDefinition {
  const root = journey();
  const group = root.segmentGroup({ include: segments, activityId: '01_0' });
  if (waitFirst) group.waitFor({ value: 1, unit: 'Day', activityId: '01_0_1' }).email({ ...EMAIL, activityId: '01_0_2' });
  else group.email({ ...EMAIL, activityId: '01_0_2' });
  return root.build().definition;
}

const fields = (status: number): Record<string, unknown> => ({ msdyncrm_name: 'Agreement', statuscode: status });

function structureFindings(definition: WorkflowDefinition, baseline: WorkflowDefinition, status: number): string[] {
  return validateJourney({ definition, fields: fields(status), baseline: { definition: baseline, fields: fields(status) } })
    .filter((f) => f.ruleId === 'structure-locked-by-status')
    .map((f) => f.activityId);
}

describe('tile structure', () => {
  const stored = build([SEGMENT_A], false);
  const moreSegments = build([SEGMENT_A, SEGMENT_B], false);
  const extraTile = build([SEGMENT_A], true);

  it('treats an added segment in a group as a settings change, in the library, the emulator and the validator', () => {
    expect(sameStructure(stored, moreSegments)).toBe(true);
    expect(emulatorSameStructure(JSON.stringify(stored), JSON.stringify(moreSegments))).toBe(true);
    expect(structureFindings(moreSegments, stored, JourneyStatus.LiveEditable)).toEqual([]);
  });

  it('treats an added tile and a re-parented tile as a structure change, everywhere', () => {
    expect(sameStructure(stored, extraTile)).toBe(false);
    expect(emulatorSameStructure(JSON.stringify(stored), JSON.stringify(extraTile))).toBe(false);
    // The wait is new and the email now hangs under it.
    expect(structureFindings(extraTile, stored, JourneyStatus.LiveEditable).sort()).toEqual(['01_0_1', '01_0_2']);
    // A Draft may change its structure.
    expect(structureFindings(extraTile, stored, JourneyStatus.Draft)).toEqual([]);
  });
});
