/**
 * Export -> import -> export over real HTTP against emulators: the files round-trip byte for
 * byte, references are remapped by name, a second import writes nothing, and a missing
 * reference stops the import before any write.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import { journey } from '../../src/definition/index.js';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { exportJourney, readJourneyExport, REFERENCES_KEY } from '../../src/journeys/exportFormat.js';
import { importJourneys } from '../../src/journeys/importJourneys.js';
import { startTestEmulator } from '../helpers/emulator.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const folder of (await readdir(dir)).sort()) {
    for (const file of (await readdir(join(dir, folder))).sort()) out[`${folder}/${file}`] = await readFile(join(dir, folder, file), 'utf8');
  }
  return out;
}

describe('journeys export/import', () => {
  let source: RunningEmulator;
  let target: RunningEmulator;
  let sourceClient: DataverseClient;
  let targetClient: DataverseClient;
  let dir: string;

  beforeEach(async () => {
    source = await startTestEmulator({ seed: true });
    target = await startTestEmulator({ seed: true });
    sourceClient = new DataverseClient({ url: source.url, auth: { none: true } });
    targetClient = new DataverseClient({ url: target.url, auth: { none: true } });
    dir = await mkdtemp(join(tmpdir(), 'journeys-import-'));
  });
  afterEach(async () => {
    sourceClient.close();
    targetClient.close();
    await Promise.all([source.close(), target.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('export -> import into a fresh emulator -> export again gives identical files', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    const written = await exportJourney(sourceClient, SeedIds.journeys.draft, first);
    expect(written.files.map((f) => f.path.slice(written.folder.length + 1))).toEqual(['journey.json', 'definition.json', 'designer-state.json']);
    const record = JSON.parse(await readFile(join(written.folder, 'journey.json'), 'utf8')) as Record<string, unknown>;
    expect(record.msdyncrm_name).toBe('Welcome series (draft)');
    expect(record).not.toHaveProperty('statuscode');
    expect(record).not.toHaveProperty('msdyncrm_workflowdefinition');
    const references = record[REFERENCES_KEY] as { kind: string; name?: string }[];
    expect(references.length).toBeGreaterThan(0);
    expect(references.every((r) => typeof r.name === 'string')).toBe(true);

    // A fresh target without the journey: delete the seeded copy first.
    await targetClient.delete('msdyncrm_customerjourneys', SeedIds.journeys.draft);
    const result = await importJourneys(targetClient, [written.folder]);
    expect(result.plans.map((p) => p.action)).toEqual(['create']);
    expect(result.plans[0]!.references.every((r) => r.via === 'name')).toBe(true);

    await exportJourney(targetClient, SeedIds.journeys.draft, second);
    expect(await snapshot(second)).toEqual(await snapshot(first));
  });

  it('remaps references by name to the target ids, and a second import writes nothing', async () => {
    // The source has an email the target knows under another id.
    const { id: sourceEmail } = await sourceClient.create('msdyncrm_marketingemails', { msdyncrm_name: 'Autumn offer' });
    const { id: targetEmail } = await targetClient.create('msdyncrm_marketingemails', { msdyncrm_name: 'Autumn offer' });
    expect(sourceEmail).not.toBe(targetEmail);
    const j = journey({ target: 'contact' });
    j.segmentGroup({ title: 'All', include: [{ id: SeedIds.dynamicSegment, name: 'All contacts' }] }).email({ id: sourceEmail, name: 'Autumn offer' });
    const built = j.build();
    const { id } = await sourceClient.create('msdyncrm_customerjourneys', {
      msdyncrm_name: 'Autumn campaign',
      msdyncrm_workflowdefinition: JSON.stringify(built.definition),
      msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
      'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${SeedIds.defaultContentSettings})`,
    });
    const { folder } = await exportJourney(sourceClient, id, dir);

    const dry = await importJourneys(targetClient, [folder], { dryRun: true });
    expect(dry.plans[0]!.action).toBe('create');
    expect(dry.plans[0]!.references.find((r) => r.kind === 'email')).toMatchObject({ sourceId: sourceEmail, targetId: targetEmail, via: 'name' });
    const before = target.requestLog.length;
    await importJourneys(targetClient, [folder], { dryRun: true });
    expect(target.requestLog.slice(before).filter((e) => WRITES.has(e.method))).toEqual([]);

    await importJourneys(targetClient, [folder]);
    const stored = await targetClient.retrieve('msdyncrm_customerjourneys', id, { select: ['msdyncrm_workflowdefinition', '_msdyncrm_contentsettingsid_value'] });
    expect(stored.msdyncrm_workflowdefinition).toContain(targetEmail);
    expect(stored.msdyncrm_workflowdefinition).not.toContain(sourceEmail);
    expect(stored._msdyncrm_contentsettingsid_value).toBe(SeedIds.defaultContentSettings);

    const mark = target.requestLog.length;
    const again = await importJourneys(targetClient, [folder]);
    expect(again.plans[0]!.action).toBe('unchanged');
    expect(target.requestLog.slice(mark).filter((e) => WRITES.has(e.method))).toEqual([]);
  });

  it('refuses the whole import when a referenced record is missing in the target, writing nothing', async () => {
    const { id: onlyInSource } = await sourceClient.create('msdyncrm_marketingemails', { msdyncrm_name: 'Only in source' });
    const j = journey({ target: 'contact' });
    j.segmentGroup({ title: 'All', include: [{ id: SeedIds.dynamicSegment, name: 'All contacts' }] }).email({ id: onlyInSource, name: 'Only in source' });
    const built = j.build();
    const { id } = await sourceClient.create('msdyncrm_customerjourneys', {
      msdyncrm_name: 'Broken import',
      msdyncrm_workflowdefinition: JSON.stringify(built.definition),
      msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
    });
    const good = await exportJourney(sourceClient, SeedIds.journeys.draft, dir);
    const bad = await exportJourney(sourceClient, id, dir);
    await targetClient.delete('msdyncrm_customerjourneys', SeedIds.journeys.draft);
    const mark = target.requestLog.length;
    await expect(importJourneys(targetClient, [good.folder, bad.folder])).rejects.toMatchObject({ kind: 'input', message: expect.stringContaining('"Only in source"') });
    expect(target.requestLog.slice(mark).filter((e) => WRITES.has(e.method))).toEqual([]);
    expect((await readJourneyExport(bad.folder)).references.some((r) => r.name === 'Only in source')).toBe(true);
  });

  it('leaves an unchanged Live journey alone, and refuses to change one', async () => {
    const { folder } = await exportJourney(sourceClient, SeedIds.journeys.live, dir);
    const unchanged = await importJourneys(sourceClient, [folder]);
    expect(unchanged.plans[0]!.action).toBe('unchanged');
    const recordFile = join(folder, 'journey.json');
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as Record<string, unknown>;
    record.msdyncrm_description = 'edited in git';
    await writeFile(recordFile, JSON.stringify(record));
    const mark = source.requestLog.length;
    await expect(importJourneys(sourceClient, [folder])).rejects.toMatchObject({ kind: 'input', message: expect.stringMatching(/is Live .* only updates Draft journeys/) });
    expect(source.requestLog.slice(mark).filter((e) => WRITES.has(e.method))).toEqual([]);
  });
});
