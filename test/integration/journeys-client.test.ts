/**
 * JourneyClient against the emulator over real HTTP: CRUD, list filters and paging, create from
 * a template, invalid transitions refused without a write, and online validation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { JourneyClient } from '../../src/journeys/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';
import { invalidDraft, journeyClientPerFile, validDraft, writesIn } from '../helpers/journeys.js';

describe('JourneyClient CRUD and queries', () => {
  const setup = journeyClientPerFile();
  let emulator: RunningEmulator;
  let journeys: JourneyClient;
  beforeAll(() => {
    ({ emulator, journeys } = setup);
  });

  it('creates a Draft journey with a client-generated id in one POST, and reads it back typed', async () => {
    const before = emulator.requestLog.length;
    const created = await journeys.create(validDraft('CRUD journey'));
    const posts = emulator.requestLog.slice(before).filter((e) => e.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await journeys.get(created.id!);
    expect(read.name).toBe('CRUD journey');
    expect(read.statusCode).toBe(S.Draft);
    expect(JSON.parse(read.workflowDefinition!)).toHaveLength(3);
    // The designer state was computed from the definition: counters above every id in use.
    expect(JSON.parse(read.designerState!)).toMatchObject({ NextActivityItemID: expect.any(Number) });
  });

  it('computes the designer state when the input has none', async () => {
    const { designerState: _ignored, ...draft } = validDraft('No state');
    const created = await journeys.create(draft);
    const state = JSON.parse((await journeys.get(created.id!)).designerState!) as { NextActivityItemID: number };
    const maxItem = Math.max(...(validDraft().definition as { Properties: { Items: { ActivityItemId: number }[] } }[]).flatMap((a) => a.Properties.Items.map((i) => i.ActivityItemId)));
    expect(state.NextActivityItemID).toBeGreaterThan(maxItem);
  });

  it('updates and deletes', async () => {
    const { id } = await journeys.create(validDraft('To update'));
    await journeys.update(id!, { description: 'changed', endDateTime: '2030-03-01T00:00:00Z' });
    const read = await journeys.get(id!);
    expect(read.description).toBe('changed');
    expect(Date.parse(read.endDateTime!)).toBe(Date.parse('2030-03-01T00:00:00Z'));
    await journeys.delete(id!);
    await expect(journeys.get(id!)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses a create in another status than Draft before any request', async () => {
    const before = emulator.requestLog.length;
    await expect(journeys.create({ ...validDraft(), fields: { ...validDraft().fields, statuscode: S.Live } })).rejects.toMatchObject({ kind: 'input' });
    expect(emulator.requestLog.length).toBe(before);
  });

  it('finds a journey by exact name', async () => {
    const { id } = await journeys.create(validDraft('Find me exactly'));
    expect((await journeys.findByName('Find me exactly'))?.id).toBe(id);
    expect(await journeys.findByName('Find me')).toBeUndefined();
  });

  it('lists with filters for status, name, modified-since and owner, page by page', async () => {
    const marker = `List-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await journeys.create(validDraft(`${marker} ${i}`))).id!);
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of journeys.list({ name: marker }).byPage({ maxPageSize: 2 })) {
      pages.push(page.items.length);
      seen.push(...page.items.map((j) => j.id!));
    }
    expect(pages).toEqual([2, 2, 1]);
    expect(seen.sort()).toEqual([...ids].sort());

    const live: number[] = [];
    for await (const j of journeys.list({ status: S.Live })) live.push(j.statusCode!);
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(live)).toEqual(new Set([S.Live]));

    const drafts: string[] = [];
    for await (const j of journeys.list({ status: [S.Draft], name: marker, modifiedSince: new Date(Date.now() - 60_000) })) drafts.push(j.id!);
    expect(drafts).toHaveLength(5);
    const future: string[] = [];
    for await (const j of journeys.list({ name: marker, modifiedSince: '2099-01-01T00:00:00Z' })) future.push(j.id!);
    expect(future).toEqual([]);

    const owned: (string | null | undefined)[] = [];
    for await (const j of journeys.list({ ownerId: SeedIds.disabledUser })) owned.push(j.ownerId);
    expect(owned.length).toBeGreaterThan(0);
    expect(new Set(owned)).toEqual(new Set([SeedIds.disabledUser]));
  });

  it('lists a minimal set of columns by default (no definition)', async () => {
    const request = emulator.requestLog.length;
    const first = await journeys.list({ name: 'CRUD journey' }).next();
    expect(first.done).toBe(false);
    expect(first.value.workflowDefinition).toBeUndefined();
    expect(emulator.requestLog.slice(request).some((e) => e.path.includes('%24select=') || e.path.includes('$select='))).toBe(true);
  });

  it('creates from a template: copies definition and designer state, binds the template', async () => {
    const template = emulator.store.get('msdyncrm_customerjourneytemplates', SeedIds.template)!;
    const created = await journeys.createFromTemplate(SeedIds.template, { name: 'From template' });
    const read = await journeys.get(created.id!);
    expect(read.name).toBe('From template');
    expect(read.templateId).toBe(SeedIds.template);
    expect(read.workflowDefinition).toBe(template.values.msdyncrm_workflowdefinition);
    expect(read.designerState).toBe(template.values.msdyncrm_customerjourneydesignerstate);
  });

  it('refuses invalid transitions before any write, naming the allowed ones', async () => {
    const { id } = await journeys.create(validDraft());
    const before = emulator.requestLog.length;
    const error = await journeys.beginStop(id!).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidTransitionError', kind: 'input', from: S.Draft, to: S.Stopping });
    expect((error as Error).message).toContain('Going live (192350006)');
    expect((error as Error).message).toContain('Expired (192350004)');
    await expect(journeys.update(id!, { statusCode: S.Stopped })).rejects.toMatchObject({ name: 'InvalidTransitionError' });
    await expect(journeys.beginGoLive(SeedIds.journeys.expired)).rejects.toMatchObject({ name: 'InvalidTransitionError', allowed: [] });
    expect(writesIn(emulator.requestLog, before)).toEqual([]);
  });

  it('validates online a stored journey and a local one, with the server findings', async () => {
    const { id } = await journeys.create(validDraft());
    const stored = await journeys.validate(id!);
    expect(stored.result).not.toBe('Error');
    const local = await journeys.validate(invalidDraft());
    expect(local.result).toBe('Error');
    expect(local.findings.map((f) => f.ruleId)).toContain('ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations');
    const calls = emulator.requestLog.filter((e) => e.path.endsWith('msdyncrm_CustomerJourneyValidate'));
    expect(calls.length).toBeGreaterThanOrEqual(2);
  });
});
