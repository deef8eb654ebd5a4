/** Tile-by-tile journey diff: added, removed, moved, changed tiles and field changes. */
import { describe, expect, it } from 'vitest';
import { journey, type WorkflowDefinition } from '../../src/definition/index.js';
import { diffJourneys, formatJourneyDiff, isSameJourney } from '../../src/journeys/diff.js';

const SEGMENT = '3256951d-314e-56dd-b7ea-6e1b8772ed17';
const EMAIL = '62c721a6-6e66-5170-85eb-42f0d312a2b0';
const OTHER_EMAIL = 'fda1ea73-4ac0-59cd-beed-332105b7351e';

function base(): WorkflowDefinition {
  const j = journey({ target: 'contact' });
  j.segmentGroup({ title: 'All', include: [{ id: SEGMENT, name: 'All contacts' }] })
    .email({ id: EMAIL, name: 'Welcome email' })
    .waitFor({ value: 2, unit: 'Day' })
    .email({ id: OTHER_EMAIL, name: 'Newsletter' });
  return j.build().definition;
}

const clone = <T>(value: T): T => structuredClone(value);

describe('diffJourneys', () => {
  it('finds nothing between a journey and its copy, whatever the key order', () => {
    const a = base();
    const b = clone(a).map((activity) => Object.fromEntries(Object.entries(activity).reverse())) as WorkflowDefinition;
    const diff = diffJourneys({ definition: a, fields: { msdyncrm_name: 'x', modifiedon: '1' } }, { definition: b, fields: { msdyncrm_name: 'x', modifiedon: '2' } });
    expect(isSameJourney(diff)).toBe(true);
  });

  it('reports a changed item and a changed field', () => {
    const a = base();
    const b = clone(a);
    const email = b.find((x) => x.ActivityTypeId === 'Email')!;
    email.Properties.Items[0]!.ItemId = OTHER_EMAIL;
    const diff = diffJourneys({ definition: a, fields: { msdyncrm_name: 'Old' } }, { definition: b, fields: { msdyncrm_name: 'New' } });
    expect(diff.fields).toEqual([{ field: 'msdyncrm_name', before: 'Old', after: 'New' }]);
    expect(diff.tiles).toEqual([expect.objectContaining({ change: 'changed', activityId: email.ActivityId, tileType: 'Email', properties: ['Properties.Items[0].ItemId'] })]);
    expect(formatJourneyDiff(diff)).toEqual(['~ field msdyncrm_name: "Old" -> "New"', `* tile Email ${email.ActivityId} (Welcome email) changed: Properties.Items[0].ItemId`]);
  });

  it('reports removed and added tiles, and a tile moved under another parent', () => {
    const a = base();
    const b = clone(a);
    const [, , wait, last] = b.filter((x) => x.ActivityTypeId !== 'bpf_root').map((x) => x);
    expect(wait?.ActivityTypeId).toBe('Scheduler');
    // Remove the wait; the last email moves up to the first email.
    const firstEmail = b.find((x) => x.ActivityTypeId === 'Email')!;
    const withoutWait = b.filter((x) => x !== wait);
    last!.ParentActivityId = firstEmail.ActivityId;
    const added = { ...clone(last!), ActivityId: 'new_tile', ParentActivityId: last!.ActivityId };
    const diff = diffJourneys({ definition: a }, { definition: [...withoutWait, added] });
    const kinds = diff.tiles.map((t) => `${t.change} ${t.activityId}`);
    expect(kinds).toEqual([`removed ${wait!.ActivityId}`, `moved ${last!.ActivityId}`, 'added new_tile']);
    const moved = diff.tiles.find((t) => t.change === 'moved')!;
    expect(moved.from).toBe(`${wait!.ActivityId}/0`);
    expect(moved.to).toBe(`${firstEmail.ActivityId}/0`);
  });

  it('ignores ids, timestamps and OData annotations in fields', () => {
    const a = base();
    const diff = diffJourneys(
      { definition: a, fields: { msdyncrm_customerjourneyid: '1', '@odata.etag': 'a', versionnumber: 1 } },
      { definition: a, fields: { msdyncrm_customerjourneyid: '2', '@odata.etag': 'b', versionnumber: 2 } },
    );
    expect(isSameJourney(diff)).toBe(true);
  });

  it('compares fields only when both sides have them (a bare definition has none)', () => {
    const a = base();
    expect(isSameJourney(diffJourneys({ definition: a, fields: { msdyncrm_name: 'x' } }, { definition: a }))).toBe(true);
    expect(diffJourneys({ definition: a, fields: { msdyncrm_name: 'x' } }, { definition: a, fields: {} }).fields).toEqual([{ field: 'msdyncrm_name', before: 'x', after: undefined }]);
  });
});
