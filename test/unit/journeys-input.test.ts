/** Pure parts of the journey client: input conversion, the validate request, the pipeline signature. */
import { describe, expect, it } from 'vitest';
import { journey } from '../../src/definition/index.js';
import { sameStructure } from '../../src/definition/index.js';
import { buildValidateRequest, draftToRecord, fieldsToRecord } from '../../src/journeys/index.js';

const CS = '1922b1d8-0523-e911-a9ba-000d3a1e689f';
const USER = 'd0e20c01-d6c6-480f-aab5-0fa6749565a5';

describe('fieldsToRecord', () => {
  it('reads binds (write shape) and _x_value (read shape) lookups', () => {
    const fromBinds = fieldsToRecord({
      msdyncrm_name: 'x',
      'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${CS.toUpperCase()})`,
      'ownerid@odata.bind': `/teams(${USER})`,
    });
    expect(fromBinds).toMatchObject({ name: 'x', contentSettingsId: CS, ownerId: USER, ownerType: 'team' });
    expect(fieldsToRecord({ _msdyncrm_contentsettingsid_value: CS }).contentSettingsId).toBe(CS);
  });

  it('refuses a bind to the wrong entity set, pointing at it', () => {
    expect(() => fieldsToRecord({ 'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingses(${CS})` }, { file: 'r.json' })).toThrowError(
      expect.objectContaining({ kind: 'input', location: { file: 'r.json', pointer: '/msdyncrm_contentsettingsId@odata.bind' } }),
    );
  });

  it('ignores unknown and prototype-polluting keys', () => {
    const fields = JSON.parse('{"msdyncrm_name":"p","__proto__":{"polluted":true},"constructor":{"x":1}}') as Record<string, unknown>;
    const record = fieldsToRecord(fields);
    expect(record.name).toBe('p');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(record)).toEqual(['name']);
  });

  it('says which attribute has the wrong type', () => {
    expect(() => fieldsToRecord({ msdyncrm_isrecurring: 'yes' })).toThrowError(expect.objectContaining({ kind: 'input', location: expect.objectContaining({ pointer: '/msdyncrm_isrecurring' }) }));
  });
});

describe('draftToRecord', () => {
  it('serializes the definition and computes a designer state above every id in use', () => {
    const j = journey({ target: 'contact' });
    j.segmentGroup({ include: [{ id: CS, name: 's' }] }).email({ id: USER, name: 'e' });
    const { definition } = j.build();
    const record = draftToRecord({ fields: { msdyncrm_name: 'd' }, definition });
    expect(JSON.parse(record.workflowDefinition!)).toEqual(JSON.parse(JSON.stringify(definition)));
    const maxItem = Math.max(...definition.flatMap((a) => a.Properties.Items.map((i) => i.ActivityItemId)));
    expect(JSON.parse(record.designerState!).NextActivityItemID).toBe(maxItem + 1);
  });
});

describe('buildValidateRequest', () => {
  it('maps fields to FieldValue parameters with lookups as bare ids, never binds', () => {
    const body = buildValidateRequest({
      id: '6628bbf7-3b1b-e911-a9b7-000d3a1e6adc',
      name: 'n',
      statusCode: 192350000,
      workflowDefinition: '[]',
      isRecurring: false,
      contentSettingsId: CS,
      suppressionSegmentId: null,
      timeZone: 92,
      ownerId: USER,
    });
    expect(body).toEqual({
      FieldValueCustomerJourneyId: '6628bbf7-3b1b-e911-a9b7-000d3a1e6adc',
      FieldValueName: 'n',
      FieldValueStatusCode: 192350000,
      FieldValueWorkflowDefinition: '[]',
      FieldValueIsRecurring: false,
      FieldValueContentSettingsId: CS,
      FieldValueCustomerJourneyTimeZone: 92,
    });
  });
});

describe('sameStructure', () => {
  const build = (emails: string[]) => {
    const j = journey({ target: 'contact' });
    const [first, ...rest] = emails;
    let flow = j.segmentGroup({ include: [{ id: CS, name: 's' }] }).email({ id: first!, name: first! });
    for (const id of rest) flow = flow.email({ id, name: id });
    return j.build().definition;
  };

  it('ignores tile settings (which records items use) but not added tiles', () => {
    expect(sameStructure(build([USER]), build([CS]))).toBe(true);
    expect(sameStructure(build([USER]), build([USER, CS]))).toBe(false);
  });
});
