/**
 * applyJourney against the emulator over real HTTP: create, update, unchanged (no write in the
 * request log), names resolved against the target, record files and export folders, and Live
 * journeys (refused, or restarted with restartLive; the tile structure stays locked).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { loadJourneyDocument, loadJourneyText } from '../../src/io/index.js';
import { applyJourney, JourneyClient } from '../../src/journeys/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';
import { journeyClientPerFile, writesIn } from '../helpers/journeys.js';

const WAIT = { timeoutInMs: 20_000, pollIntervalInMs: 10 };

function spec(name: string, options: { email?: string; extraEmail?: boolean; description?: string } = {}): string {
  return [
    `name: ${name}`,
    'target: contact',
    ...(options.description ? [`description: ${options.description}`] : []),
    'start: 2030-01-01T00:00:00Z',
    'end: 2030-02-01T00:00:00Z',
    'contentSettings: Default content settings',
    'tiles:',
    '  - segment:',
    '      title: VIPs',
    '      include: [VIP customers]',
    `  - email: ${options.email ?? 'Welcome email'}`,
    ...(options.extraEmail ? ['  - email: Event invitation'] : []),
    '',
  ].join('\n');
}

function specDocument(name: string, options: Parameters<typeof spec>[1] = {}) {
  return loadJourneyText(spec(name, options), 'journey.spec.yaml');
}

function itemIds(definition: string | null | undefined): (string | null)[] {
  return (JSON.parse(definition ?? '[]') as { Properties: { Items: { ItemId: string | null }[] } }[]).flatMap((a) => a.Properties.Items.map((i) => i.ItemId));
}

describe('applyJourney', () => {
  const setup = journeyClientPerFile();
  let emulator: RunningEmulator;
  let journeys: JourneyClient;
  beforeAll(() => {
    ({ emulator, journeys } = setup);
  });

  it('creates from a spec, resolving names; a second apply is unchanged and sends no write', async () => {
    const first = await applyJourney(journeys, specDocument('Applied spec'));
    expect(first.action).toBe('created');
    const stored = await journeys.get(first.id);
    expect(stored.contentSettingsId).toBe(SeedIds.defaultContentSettings);
    expect(itemIds(stored.workflowDefinition)).toEqual(expect.arrayContaining([SeedIds.staticSegment, SeedIds.welcomeEmail]));

    const before = emulator.requestLog.length;
    const second = await applyJourney(journeys, specDocument('Applied spec'));
    expect(second).toEqual({ action: 'unchanged', id: first.id, changes: [] });
    expect(emulator.requestLog.length).toBeGreaterThan(before);
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it('updates the Draft with the same name, reporting what changed', async () => {
    const { id } = await applyJourney(journeys, specDocument('Applied update'));
    const result = await applyJourney(journeys, specDocument('Applied update', { description: 'Now with a description', email: 'Monthly newsletter' }));
    expect(result).toMatchObject({ action: 'updated', id });
    expect(result.changes).toEqual(expect.arrayContaining(['msdyncrm_description', 'msdyncrm_workflowdefinition']));
    const stored = await journeys.get(id);
    expect(stored.description).toBe('Now with a description');
    expect(itemIds(stored.workflowDefinition)).toContain(SeedIds.newsletterEmail);
    expect((await applyJourney(journeys, specDocument('Applied update', { description: 'Now with a description', email: 'Monthly newsletter' }))).action).toBe('unchanged');
  });

  it('updates an explicit id, whatever the name', async () => {
    const { id } = await applyJourney(journeys, specDocument('Applied by id'));
    const result = await applyJourney(journeys, specDocument('Renamed by id'), { id });
    expect(result).toMatchObject({ action: 'updated', id, changes: ['msdyncrm_name'] });
    expect((await journeys.get(id)).name).toBe('Renamed by id');
  });

  it('refuses an unresolvable name with its spec location, writing nothing', async () => {
    const before = emulator.requestLog.length;
    const error = await applyJourney(journeys, specDocument('Applied missing', { email: 'No such email' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'input', location: { file: 'journey.spec.yaml', pointer: expect.stringMatching(/^\/tiles\/1/) } });
    expect((error as Error).message).toContain('"No such email"');
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it('applies a Web API record file (the documented create request shape) idempotently', async () => {
    const raw = JSON.parse(readFileSync(new URL('../../samples/seed-create-request.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    raw['msdyncrm_contentsettingsId@odata.bind'] = `/msdyncrm_contentsettingss(${SeedIds.defaultContentSettings})`;
    raw['ownerid@odata.bind'] = `/systemusers(${SeedIds.activeUser})`;
    raw.msdyncrm_name = 'Applied record file';
    const document = loadJourneyText(JSON.stringify(raw), 'record.json');
    const first = await applyJourney(journeys, document);
    expect(first.action).toBe('created');
    const stored = await journeys.get(first.id);
    expect(stored).toMatchObject({ contentSettingsId: SeedIds.defaultContentSettings, ownerId: SeedIds.activeUser, timeZone: 92 });
    const before = emulator.requestLog.length;
    expect((await applyJourney(journeys, document)).action).toBe('unchanged');
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it('applies an export folder, keeping its id', async () => {
    const document = await loadJourneyDocument(new URL('../../samples/exports/thank-attendees', import.meta.url).pathname);
    const first = await applyJourney(journeys, document);
    expect(first).toMatchObject({ action: 'created', id: '60000000-0000-4000-8000-000000000001' });
    const before = emulator.requestLog.length;
    expect((await applyJourney(journeys, document)).action).toBe('unchanged');
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it('dry run reports the plan without writing', async () => {
    const before = emulator.requestLog.length;
    const result = await applyJourney(journeys, specDocument('Applied dry run'), { dryRun: true });
    expect(result.action).toBe('created');
    expect(result.changes).toEqual(expect.arrayContaining(['msdyncrm_name', 'msdyncrm_workflowdefinition']));
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it('updates the settings of a Stopped journey in place, and refuses to restructure it', async () => {
    const { id } = await applyJourney(journeys, specDocument('Applied stopped'));
    await (await journeys.beginGoLive(id)).pollUntilDone(WAIT);
    await (await journeys.beginStop(id)).pollUntilDone(WAIT);
    const result = await applyJourney(journeys, specDocument('Applied stopped', { email: 'Monthly newsletter' }));
    expect(result).toMatchObject({ action: 'updated', id });
    const stored = await journeys.get(id);
    expect(stored.statusCode).toBe(S.Stopped);
    expect(itemIds(stored.workflowDefinition)).toContain(SeedIds.newsletterEmail);
    await expect(applyJourney(journeys, specDocument('Applied stopped', { extraEmail: true }))).rejects.toMatchObject({ name: 'JourneyLockedError' });
  });

  it('refuses a name that several journeys share', async () => {
    await journeys.create({ ...specDocument('Applied twice'), fields: { msdyncrm_name: 'Applied twice' } });
    await journeys.create({ ...specDocument('Applied twice'), fields: { msdyncrm_name: 'Applied twice' } });
    const before = emulator.requestLog.length;
    await expect(applyJourney(journeys, specDocument('Applied twice'))).rejects.toMatchObject({ kind: 'input', message: expect.stringContaining('Several journeys') });
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  describe('a Live journey', () => {
    let id: string;

    beforeAll(async () => {
      ({ id } = await applyJourney(journeys, specDocument('Applied live')));
      await (await journeys.beginGoLive(id)).pollUntilDone(WAIT);
    });

    it('is unchanged when it already matches', async () => {
      expect((await applyJourney(journeys, specDocument('Applied live'))).action).toBe('unchanged');
    });

    it('refuses a change without restartLive, writing nothing', async () => {
      const before = emulator.requestLog.length;
      const error = await applyJourney(journeys, specDocument('Applied live', { email: 'Monthly newsletter' })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'JourneyLockedError', kind: 'input', changes: ['msdyncrm_workflowdefinition'] });
      expect((error as { hint: string }).hint).toMatch(/restartLive/);
      expect(writesIn(emulator.requestLog, before)).toEqual([]);
    });

    it('refuses a new tile structure even with restartLive, writing nothing', async () => {
      const before = emulator.requestLog.length;
      const error = await applyJourney(journeys, specDocument('Applied live', { extraEmail: true }), { restartLive: true, ...WAIT }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'JourneyLockedError' });
      expect((error as Error).message).toMatch(/tile structure/);
      expect(writesIn(emulator.requestLog, before)).toEqual([]);
    });

    it('with restartLive stops, edits, goes live again and waits', async () => {
      const result = await applyJourney(journeys, specDocument('Applied live', { email: 'Monthly newsletter' }), { restartLive: true, ...WAIT });
      expect(result).toMatchObject({ action: 'restarted', id, changes: ['msdyncrm_workflowdefinition'] });
      const stored = await journeys.get(id);
      expect(stored.statusCode).toBe(S.Live);
      expect(itemIds(stored.workflowDefinition)).toContain(SeedIds.newsletterEmail);
      const writes = emulator.requestLog.filter((e) => e.method === 'PATCH' && e.path.includes(id));
      expect(writes.length).toBeGreaterThanOrEqual(3);
    });
  });
});
