import { describe, expect, it } from 'vitest';
import { isInputError } from '../../src/errors.js';
import { journeyFromWebApi, journeyToWebApi, type JourneyRecord } from '../../src/model/journeyRecord.js';
import { storedFixture } from '../helpers/fixtures.js';

const seedDefinition = storedFixture('seed-create-definition.json');

/** The documented create request body. */
const documentedCreate = {
  msgdpr_requiredconsent: 587030001,
  msdyncrm_customerjourneydesignerstate: '{"NextActivityID":8,"NextActivityItemID":42}',
  msdyncrm_workflowdefinition: seedDefinition,
  msdyncrm_customerjourneytimezone: 92,
  'msdyncrm_contentsettingsId@odata.bind': '/msdyncrm_contentsettingss(1922b1d8-0523-e911-a9ba-000d3a1e689f)',
  msdyncrm_enddatetime: '2019-03-09T11:29:00.000Z',
  msdyncrm_startdatetime: '2019-02-09T11:29:00.000Z',
  msdyncrm_name: 'Simple Email Sample',
  msdyncrm_isrecurring: false,
  msdyncrm_type: 192350000,
  msdyncrm_entitytarget: 0,
  statuscode: 192350000,
  statecode: 0,
  'ownerid@odata.bind': '/systemusers(d0e20c01-d6c6-480f-aab5-0fa6749565a5)',
};

describe('journeyToWebApi', () => {
  const record: JourneyRecord = {
    name: 'Simple Email Sample',
    statusCode: 192350000,
    stateCode: 0,
    requiredConsent: 587030001,
    designerState: '{"NextActivityID":8,"NextActivityItemID":42}',
    workflowDefinition: seedDefinition,
    timeZone: 92,
    contentSettingsId: '1922b1d8-0523-e911-a9ba-000d3a1e689f',
    startDateTime: '2019-02-09T11:29:00.000Z',
    endDateTime: '2019-03-09T11:29:00.000Z',
    isRecurring: false,
    type: 192350000,
    entityTarget: 0,
    ownerId: 'd0e20c01-d6c6-480f-aab5-0fa6749565a5',
  };

  it('writes the documented create request body (binds with their navigation property casing)', () => {
    expect(journeyToWebApi(record, { mode: 'create' })).toEqual(documentedCreate);
  });

  it('writes a client-generated id on create only, and skips nulls on create', () => {
    const withId = { ...record, id: '{8AEE9D91-8C2B-E911-A9B7-000D3A1E6ADC}', suppressionSegmentId: null, description: null };
    const created = journeyToWebApi(withId, { mode: 'create' });
    expect(created.msdyncrm_customerjourneyid).toBe('8aee9d91-8c2b-e911-a9b7-000d3a1e6adc'); // the canonical form: lower case, no braces
    expect(created).not.toHaveProperty('msdyncrm_SuppressionSegmentId@odata.bind');
    expect(created).not.toHaveProperty('msdyncrm_description');
    expect(journeyToWebApi(withId, { mode: 'update' })).not.toHaveProperty('msdyncrm_customerjourneyid');
  });

  it('unbinds lookups with null and clears attributes on update; leaves undefined ones alone', () => {
    const body = journeyToWebApi(
      { statusCode: 192350006, suppressionSegmentId: null, templateId: 'aaaaaaaa-0000-4000-8000-000000000001', contentSettingsId: null, description: null },
      { mode: 'update' },
    );
    expect(body).toEqual({
      statuscode: 192350006,
      msdyncrm_description: null,
      'msdyncrm_contentsettingsId@odata.bind': null,
      'msdyncrm_SuppressionSegmentId@odata.bind': null,
      'msdyncrm_CustomerJourneyTemplate@odata.bind': '/msdyncrm_customerjourneytemplates(aaaaaaaa-0000-4000-8000-000000000001)',
    });
  });

  it('binds a team owner to /teams and never writes read-only fields', () => {
    const body = journeyToWebApi(
      { ownerId: 'bbbbbbbb-0000-4000-8000-000000000002', ownerType: 'team', etag: 'W/"1"', createdOn: 'x', validationResults: '{}', publishedById: 'cccccccc-0000-4000-8000-000000000003' },
      { mode: 'update' },
    );
    expect(body).toEqual({ 'ownerid@odata.bind': '/teams(bbbbbbbb-0000-4000-8000-000000000002)' });
  });

  it('rejects a lookup id that is not a GUID with an input error', () => {
    let error: unknown;
    try {
      journeyToWebApi({ contentSettingsId: 'default settings' }, { mode: 'create' });
    } catch (e) {
      error = e;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as Error).message).toMatch(/contentSettingsId must be a GUID, not "default settings"/);
  });
});

describe('journeyFromWebApi', () => {
  const entity = {
    '@odata.etag': 'W/"4711"',
    msdyncrm_customerjourneyid: '8aee9d91-8c2b-e911-a9b7-000d3a1e6adc',
    msdyncrm_name: 'Simple Email Sample',
    statuscode: 192350001,
    statecode: 0,
    msdyncrm_workflowdefinition: seedDefinition,
    msdyncrm_customerjourneydesignerstate: '{"NextActivityID":8,"NextActivityItemID":42}',
    msdyncrm_startdatetime: '2019-02-09T11:29:00Z',
    msdyncrm_enddatetime: null,
    msdyncrm_customerjourneytimezone: 92,
    msdyncrm_isrecurring: true,
    msdyncrm_recurrenceintervaldays: 30,
    msdyncrm_recurrencecount: 3,
    msgdpr_requiredconsent: 587030001,
    msdyncrm_entitytarget: 1,
    msdyncrm_type: 192350000,
    msdyncrm_scope: 270100000,
    msdyncrm_validationresults: null,
    _msdyncrm_contentsettingsid_value: '1922b1d8-0523-e911-a9ba-000d3a1e689f',
    _msdyncrm_suppressionsegmentid_value: null,
    _ownerid_value: 'bbbbbbbb-0000-4000-8000-000000000002',
    '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'team',
    _msdyncrm_publishedby_value: 'cccccccc-0000-4000-8000-000000000003',
    createdon: '2019-02-01T10:00:00Z',
    modifiedon: '2019-02-02T10:00:00Z',
    versionnumber: 123456,
  };

  it('reads attributes, lookups from _x_value, the owner type annotation and the etag', () => {
    expect(journeyFromWebApi(entity)).toEqual({
      id: '8aee9d91-8c2b-e911-a9b7-000d3a1e6adc',
      name: 'Simple Email Sample',
      statusCode: 192350001,
      stateCode: 0,
      workflowDefinition: seedDefinition,
      designerState: '{"NextActivityID":8,"NextActivityItemID":42}',
      startDateTime: '2019-02-09T11:29:00Z',
      endDateTime: null,
      timeZone: 92,
      isRecurring: true,
      recurrenceIntervalDays: 30,
      recurrenceCount: 3,
      requiredConsent: 587030001,
      entityTarget: 1,
      type: 192350000,
      scope: 270100000,
      validationResults: null,
      contentSettingsId: '1922b1d8-0523-e911-a9ba-000d3a1e689f',
      suppressionSegmentId: null,
      ownerId: 'bbbbbbbb-0000-4000-8000-000000000002',
      ownerType: 'team',
      publishedById: 'cccccccc-0000-4000-8000-000000000003',
      createdOn: '2019-02-01T10:00:00Z',
      modifiedOn: '2019-02-02T10:00:00Z',
      etag: 'W/"4711"',
      versionNumber: 123456,
    });
  });

  it('round-trips through an update body: read values come back as attributes and binds', () => {
    const body = journeyToWebApi(journeyFromWebApi(entity), { mode: 'update' });
    expect(body['ownerid@odata.bind']).toBe('/teams(bbbbbbbb-0000-4000-8000-000000000002)');
    expect(body['msdyncrm_contentsettingsId@odata.bind']).toBe('/msdyncrm_contentsettingss(1922b1d8-0523-e911-a9ba-000d3a1e689f)');
    expect(body['msdyncrm_SuppressionSegmentId@odata.bind']).toBeNull();
    expect(body.msdyncrm_enddatetime).toBeNull();
    expect(body).not.toHaveProperty('msdyncrm_publishedby@odata.bind');
    expect(body).not.toHaveProperty('msdyncrm_validationresults');
    expect(body.msdyncrm_workflowdefinition).toBe(seedDefinition);
  });

  it('reads the documented create body back (binds are not lookups values, so they are ignored)', () => {
    const record = journeyFromWebApi(documentedCreate);
    expect(record.name).toBe('Simple Email Sample');
    expect(record.contentSettingsId).toBeUndefined();
    expect(journeyToWebApi(record, { mode: 'create' })).toEqual(
      Object.fromEntries(Object.entries(documentedCreate).filter(([k]) => !k.endsWith('@odata.bind'))),
    );
  });

  it('rejects wrong attribute types with a pointer instead of a TypeError', () => {
    let error: unknown;
    try {
      journeyFromWebApi({ msdyncrm_name: 'x', statuscode: 'Live' }, { file: 'journey.json' });
    } catch (e) {
      error = e;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as { location: unknown }).location).toEqual({ file: 'journey.json', pointer: '/statuscode' });
    expect(() => journeyFromWebApi([] as never)).toThrow(/must be a JSON object/);
  });
});
