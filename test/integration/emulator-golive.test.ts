/**
 * Journey status machine over real HTTP: go-live to Live or Error, stop, refused transitions,
 * field locks, delete protection and resume after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';

const SEGMENT = 'aaaaaaaa-0000-0000-0000-000000000001';

function definition(options: { extraEmail?: boolean; emailId?: string } = {}): string {
  const activities: unknown[] = [
    { ActivityTypeId: 'bpf_root', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01', Properties: { Items: [{ ItemId: null, ActivityTypeId: 'bpf_root', Title: 'Undefined', Name: 'New ActivityTypeName_bpf_root_TitleText', ActivityItemId: 0 }] } },
    {
      ActivityTypeId: 'Segment', ParentActivityId: '01', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0', EntityTarget: 'contact',
      Properties: { Items: [
        { ItemId: null, ActivityTypeId: 'Segment', Title: 'Undefined', Name: 'Segment group', IsNameSystemDefined: true, ActivityItemId: 1, SegmentMergeMethod: 'Union' },
        { ItemId: SEGMENT, ActivityTypeId: 'SegmentItem', Title: 'Undefined', Name: 'VIP', ActivityItemId: 2, ContainmentMethod: 'Inclusion', SegmentSourceType: 'Segment', DciSegmentName: 'VIP', SegmentDisplayName: 'VIP' },
      ] },
    },
    {
      ActivityTypeId: 'Email', ParentActivityId: '01_0', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0_3', EntityTarget: 'contact',
      Properties: { Items: [{ ItemId: options.emailId ?? 'bbbbbbbb-0000-0000-0000-000000000001', ActivityTypeId: 'Email', Title: 'Undefined', Name: 'Welcome', ActivityItemId: 3 }] },
    },
  ];
  if (options.extraEmail) {
    activities.push({
      ActivityTypeId: 'Email', ParentActivityId: '01_0_3', ParentBranchId: 0, ParentRelationshipType: 'Default', ActivityId: '01_0_3_4', EntityTarget: 'contact',
      Properties: { Items: [{ ItemId: 'bbbbbbbb-0000-0000-0000-000000000002', ActivityTypeId: 'Email', Title: 'Undefined', Name: 'Reminder', ActivityItemId: 4 }] },
    });
  }
  return JSON.stringify(activities);
}

/** A journey the shared validator accepts, or (invalid) one whose recurrence does not fit its dates. */
function journeyBody(invalid = false): Record<string, unknown> {
  return {
    msdyncrm_name: `Journey ${randomUUID().slice(0, 8)}`,
    msdyncrm_workflowdefinition: definition(),
    msdyncrm_customerjourneydesignerstate: JSON.stringify({ NextActivityID: 5, NextActivityItemID: 10 }),
    msdyncrm_startdatetime: '2030-01-01T00:00:00Z',
    msdyncrm_enddatetime: '2030-02-01T00:00:00Z',
    msdyncrm_isrecurring: invalid,
    msdyncrm_recurrenceintervaldays: invalid ? 30 : 0,
    msdyncrm_recurrencecount: invalid ? 5 : 0,
    msdyncrm_entitytarget: 0,
  };
}

interface Client {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
}

function client(emulator: RunningEmulator): Client {
  return {
    async request(method, path, body, headers = {}) {
      const response = await fetch(emulator.serviceRoot + path, {
        method,
        headers: { Accept: 'application/json', 'OData-Version': '4.0', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : JSON.parse(text), headers: response.headers };
    },
  };
}

/** The records the test journeys reference, Live, so the go-live check finds them. */
async function createReferences(emulator: RunningEmulator): Promise<void> {
  const api = client(emulator);
  const post = async (set: string, body: object) => expect((await api.request("POST", set, body)).status).toBe(204);
  await post('msdyncrm_segments', { msdyncrm_segmentid: SEGMENT, msdyncrm_segmentname: 'VIP', statuscode: 192350001 });
  for (const [id, name] of [['bbbbbbbb-0000-0000-0000-000000000001', 'Welcome'], ['bbbbbbbb-0000-0000-0000-000000000002', 'Reminder'], ['bbbbbbbb-0000-0000-0000-000000000003', 'Follow-up']]) {
    await post('msdyncrm_marketingemails', { msdyncrm_marketingemailid: id, msdyncrm_name: name, statuscode: 192350001 });
  }
}

async function createJourney(api: Client, body: Record<string, unknown>): Promise<string> {
  const response = await api.request('POST', 'msdyncrm_customerjourneys', body);
  expect(response.status, JSON.stringify(response.json)).toBe(204);
  const entityId = response.headers.get('OData-EntityId') ?? '';
  const id = /\(([0-9a-f-]{36})\)$/.exec(entityId)?.[1];
  expect(id).toBeDefined();
  return id!;
}

async function getJourney(api: Client, id: string): Promise<Record<string, any>> {
  const response = await api.request('GET', `msdyncrm_customerjourneys(${id})`);
  expect(response.status).toBe(200);
  return response.json;
}

async function setStatus(api: Client, id: string, status: number) {
  return api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { statuscode: status });
}

/** Poll until the journey's statuscode is no longer `pending` (generous deadline; no timing assertions). */
async function pollWhile(api: Client, id: string, pending: number, deadlineMs = 15_000): Promise<Record<string, any>> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const journey = await getJourney(api, id);
    if (journey.statuscode !== pending || Date.now() > until) return journey;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('journey status machine', () => {
  let emulator: RunningEmulator;
  let api: Client;

  beforeAll(async () => {
    emulator = await startEmulator({ transitionDelayMs: 20 });
    await createReferences(emulator);
    api = client(emulator);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('goes Draft -> Going live -> Live for a valid journey, storing the check result', async () => {
    const id = await createJourney(api, journeyBody());
    expect((await getJourney(api, id)).statuscode).toBe(S.Draft);
    expect((await setStatus(api, id, S.GoingLive)).status).toBe(204);
    const goingLive = await getJourney(api, id);
    // Either still pending or already done: the transition is asynchronous.
    expect([S.GoingLive, S.Live]).toContain(goingLive.statuscode);
    const done = await pollWhile(api, id, S.GoingLive);
    expect(done.statuscode).toBe(S.Live);
    expect(done.statecode).toBe(0);
    const result = JSON.parse(done.msdyncrm_validationresults);
    expect(result.Result).not.toBe('Error');
  });

  it('goes Draft -> Going live -> Error for an invalid journey, with the faults stored', async () => {
    const id = await createJourney(api, journeyBody(true));
    expect((await setStatus(api, id, S.GoingLive)).status).toBe(204);
    const done = await pollWhile(api, id, S.GoingLive);
    expect(done.statuscode).toBe(S.Error);
    const result = JSON.parse(done.msdyncrm_validationresults);
    expect(result.Result).toBe('Error');
    expect(result.ActivityValidationResults).toContainEqual({
      ActivityId: '',
      Fault: 'ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations',
      Result: 'Error',
      ErrorMessageArguments: [],
    });
  });

  it('lets an Error journey be fixed and published again', async () => {
    const id = await createJourney(api, journeyBody(true));
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Error);
    const fix = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_isrecurring: false, msdyncrm_recurrencecount: 0, msdyncrm_recurrenceintervaldays: 0 });
    expect(fix.status, JSON.stringify(fix.json)).toBe(204);
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
  });

  it('goes Live -> Stopping -> Stopped', async () => {
    const id = await createJourney(api, journeyBody());
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
    expect((await setStatus(api, id, S.Stopping)).status).toBe(204);
    const stopped = await pollWhile(api, id, S.Stopping);
    expect(stopped.statuscode).toBe(S.Stopped);
    expect(stopped['statuscode@OData.Community.Display.V1.FormattedValue'] ?? 'Stopped').toBe('Stopped');
  });

  it('refuses invalid transitions with a Dataverse-shaped 400 naming the allowed statuses', async () => {
    const id = await createJourney(api, journeyBody());
    const response = await setStatus(api, id, S.Stopping);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.json.error.code).toBe('0x80040265');
    expect(response.json.error.message).toContain('Going live (192350006)');
    expect((await getJourney(api, id)).statuscode).toBe(S.Draft);
    const serviceOnly = await setStatus(api, id, S.Live);
    expect(serviceOnly.status).toBe(400);
  });

  it('publishes a journey created in Going live', async () => {
    const id = await createJourney(api, { ...journeyBody(), statuscode: S.GoingLive });
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
  });

  it('refuses creating a journey directly in Live', async () => {
    const response = await api.request('POST', 'msdyncrm_customerjourneys', { ...journeyBody(), statuscode: S.Live });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('created in Draft');
  });

  it('locks fields by status: Live locks the name and the definition; Stopped allows settings but not structure', async () => {
    const id = await createJourney(api, journeyBody());
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
    const rename = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_name: 'Renamed' });
    expect(rename.status).toBe(400);
    expect(rename.json.error.message).toContain('msdyncrm_name');
    const description = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_description: 'fine' });
    expect(description.status).toBe(204);

    await setStatus(api, id, S.Stopping);
    expect((await pollWhile(api, id, S.Stopping)).statuscode).toBe(S.Stopped);
    const settings = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_workflowdefinition: definition({ emailId: 'bbbbbbbb-0000-0000-0000-000000000009' }) });
    expect(settings.status, JSON.stringify(settings.json)).toBe(204);
    const structure = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_workflowdefinition: definition({ extraEmail: true }) });
    expect(structure.status).toBe(400);
    expect(structure.json.error.message).toContain('tile structure');
    const stored = await getJourney(api, id);
    expect(stored.msdyncrm_workflowdefinition).toContain('bbbbbbbb-0000-0000-0000-000000000009');
    expect(stored.msdyncrm_workflowdefinition).not.toContain('01_0_3_4');
  });

  it('locks lookups written with @odata.bind, but accepts rewriting the same record', async () => {
    const settings = async (name: string) => {
      const response = await api.request('POST', 'msdyncrm_contentsettingss', { msdyncrm_name: name, statuscode: 192350001 });
      expect(response.status, JSON.stringify(response.json)).toBe(204);
      return /\(([0-9a-f-]{36})\)$/.exec(response.headers.get('OData-EntityId') ?? '')![1]!;
    };
    const first = await settings('Default');
    const second = await settings('Regional');
    const id = await createJourney(api, { ...journeyBody(), 'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${first})` });
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
    await setStatus(api, id, S.LiveEditable);
    const changed = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { 'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${second})` });
    expect(changed.status).toBe(400);
    expect(changed.json.error.message).toContain('msdyncrm_contentsettingsid');
    const same = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { 'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${first.toUpperCase()})` });
    expect(same.status, JSON.stringify(same.json)).toBe(204);
    expect((await getJourney(api, id))._msdyncrm_contentsettingsid_value).toBe(first);
  });

  it('runs the error check when saving edits of a live journey (Live-editable -> Live)', async () => {
    const id = await createJourney(api, journeyBody());
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
    expect((await setStatus(api, id, S.LiveEditable)).status).toBe(204);
    const broken = await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_workflowdefinition: definition({ emailId: 'not-a-guid' }) });
    expect(broken.status, JSON.stringify(broken.json)).toBe(204);
    const refused = await setStatus(api, id, S.Live);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('01_0_3');
    expect((await getJourney(api, id)).statuscode).toBe(S.LiveEditable);
    await api.request('PATCH', `msdyncrm_customerjourneys(${id})`, { msdyncrm_workflowdefinition: definition({ emailId: 'bbbbbbbb-0000-0000-0000-000000000003' }) });
    expect((await setStatus(api, id, S.Live)).status).toBe(204);
    const saved = await getJourney(api, id);
    expect(saved.statuscode).toBe(S.Live);
    expect(JSON.parse(saved.msdyncrm_validationresults).Result).not.toBe('Error');
  });

  it('refuses deleting a Live journey and deletes it once stopped', async () => {
    const id = await createJourney(api, journeyBody());
    await setStatus(api, id, S.GoingLive);
    expect((await pollWhile(api, id, S.GoingLive)).statuscode).toBe(S.Live);
    const refused = await api.request('DELETE', `msdyncrm_customerjourneys(${id})`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('cannot be deleted');
    expect((await getJourney(api, id)).statuscode).toBe(S.Live);
    await setStatus(api, id, S.Stopping);
    expect((await pollWhile(api, id, S.Stopping)).statuscode).toBe(S.Stopped);
    expect((await api.request('DELETE', `msdyncrm_customerjourneys(${id})`)).status).toBe(204);
    expect((await api.request('GET', `msdyncrm_customerjourneys(${id})`)).status).toBe(404);
  });

  it('applies the rules inside $batch change sets too (refused part rolls back)', async () => {
    const id = await createJourney(api, journeyBody());
    const boundary = 'batch_mk';
    const changeset = 'changeset_mk';
    const body = [
      `--${boundary}`,
      `Content-Type: multipart/mixed; boundary=${changeset}`,
      '',
      `--${changeset}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      `PATCH ${emulator.serviceRoot}msdyncrm_customerjourneys(${id}) HTTP/1.1`,
      'Content-Type: application/json',
      '',
      JSON.stringify({ msdyncrm_description: 'in batch' }),
      `--${changeset}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      `PATCH ${emulator.serviceRoot}msdyncrm_customerjourneys(${id}) HTTP/1.1`,
      'Content-Type: application/json',
      '',
      JSON.stringify({ statuscode: S.Stopped }),
      `--${changeset}--`,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await fetch(`${emulator.serviceRoot}$batch`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}`, Accept: 'application/json' },
      body,
    });
    const text = await response.text();
    expect(text).toContain('0x80040265');
    const stored = await getJourney(api, id);
    expect(stored.statuscode).toBe(S.Draft);
    expect(stored.msdyncrm_description ?? null).toBeNull();
  });
});

describe('transitions survive a restart', () => {
  it('resumes a journey left in Going live when the emulator stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'journeyctl-golive-'));
    try {
      // A delay far longer than the test: the first emulator closes before completing.
      const first = await startEmulator({ dataDir, transitionDelayMs: 600_000 });
      await createReferences(first);
      const api1 = client(first);
      const id = await createJourney(api1, journeyBody());
      expect((await setStatus(api1, id, S.GoingLive)).status).toBe(204);
      await first.close();

      const second = await startEmulator({ dataDir, transitionDelayMs: 20 });
      try {
        const api2 = client(second);
        const done = await pollWhile(api2, id, S.GoingLive);
        expect(done.statuscode).toBe(S.Live);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('cancels pending timers on close (nothing fires into the closed store)', async () => {
    const lines: string[] = [];
    const emulator = await startEmulator({ transitionDelayMs: 50, log: (line) => lines.push(line) });
    const api = client(emulator);
    const id = await createJourney(api, journeyBody());
    expect((await setStatus(api, id, S.GoingLive)).status).toBe(204);
    await emulator.close();
    // Wait past the delay: a timer that survived close would fail on the closed store and log it.
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.filter((l) => l.includes('marketing:') && l.includes('failed'))).toEqual([]);
  });
});
