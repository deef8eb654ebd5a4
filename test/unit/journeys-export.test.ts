/** The export format: safe folder names, stable key order, references, and reading it back. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journey } from '../../src/definition/index.js';
import { journeyFolderName, readJourneyExport, REFERENCES_KEY, writeJourneyExport } from '../../src/journeys/exportFormat.js';

const ID = '7bd5e652-cfeb-54d9-a70e-333f2b163975';
const SEGMENT = '3256951d-314e-56dd-b7ea-6e1b8772ed17';
const EMAIL = '62c721a6-6e66-5170-85eb-42f0d312a2b0';
const SETTINGS = 'd11e1af6-f6c2-58e0-9e76-17191e5279d7';

function entity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const j = journey({ target: 'contact' });
  j.segmentGroup({ title: 'All', include: [{ id: SEGMENT, name: 'All contacts' }] }).email({ id: EMAIL, name: 'Welcome email' });
  const built = j.build();
  return {
    '@odata.etag': 'W/"12"',
    statuscode: 192350001,
    modifiedon: '2026-01-01T00:00:00Z',
    _ownerid_value: '01b991fb-53b1-5a2d-be66-fe262c293d73',
    msdyncrm_workflowdefinition: JSON.stringify(built.definition),
    msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
    msdyncrm_purpose: 'Say hello',
    msdyncrm_name: 'Welcome',
    _msdyncrm_contentsettingsid_value: SETTINGS,
    msdyncrm_customerjourneyid: ID,
    ...overrides,
  };
}

describe('journeyFolderName', () => {
  it('keeps safe characters, adds the id prefix, and never escapes the parent folder', () => {
    expect(journeyFolderName({ msdyncrm_name: 'Welcome series (draft)', msdyncrm_customerjourneyid: ID })).toBe('Welcome-series-draft-7bd5e652');
    expect(journeyFolderName({ msdyncrm_name: '../../etc/passwd', msdyncrm_customerjourneyid: ID })).toBe('etc-passwd-7bd5e652');
    expect(journeyFolderName({ msdyncrm_name: '..', msdyncrm_customerjourneyid: ID })).toBe('journey-7bd5e652');
    expect(journeyFolderName({ msdyncrm_name: 'CON', msdyncrm_customerjourneyid: ID })).toBe('journey-CON-7bd5e652');
    expect(journeyFolderName({ msdyncrm_name: 'Café: été', msdyncrm_customerjourneyid: ID })).toBe('Cafe-ete-7bd5e652');
    expect(journeyFolderName({ msdyncrm_name: 'x'.repeat(300), msdyncrm_customerjourneyid: ID }).length).toBeLessThanOrEqual(69);
    expect(journeyFolderName({ msdyncrm_name: 'A..0', msdyncrm_customerjourneyid: ID })).toBe('A.0-7bd5e652');
  });

  it('is always a single safe path segment (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.uuid(), (name, id) => {
        const folder = journeyFolderName({ msdyncrm_name: name, msdyncrm_customerjourneyid: id });
        expect(folder).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
        expect(folder).not.toContain('..');
        expect(folder.length).toBeLessThanOrEqual(69);
        expect(folder.endsWith(id.replace(/-/g, '').slice(0, 8).toLowerCase())).toBe(true);
      }),
    );
  });
});

describe('writeJourneyExport / readJourneyExport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-unit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the three files with stable key order and no environment state', async () => {
    const written = await writeJourneyExport(dir, entity(), { referenceNames: new Map([[SETTINGS, 'Default content settings']]) });
    expect(await readdir(written.folder)).toEqual(expect.arrayContaining(['journey.json', 'definition.json', 'designer-state.json']));
    expect((await readdir(written.folder)).some((f) => f.endsWith('.tmp'))).toBe(false);
    const record = JSON.parse(await readFile(join(written.folder, 'journey.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['msdyncrm_customerjourneyid', 'msdyncrm_name', 'msdyncrm_purpose', '_msdyncrm_contentsettingsid_value', REFERENCES_KEY]);
    expect(record[REFERENCES_KEY]).toEqual([
      { kind: 'contentSettings', entitySet: 'msdyncrm_contentsettingss', id: SETTINGS, name: 'Default content settings' },
      { kind: 'email', entitySet: 'msdyncrm_marketingemails', id: EMAIL, name: 'Welcome email' },
      { kind: 'segment', entitySet: 'msdyncrm_segments', id: SEGMENT },
    ]);
    const definitionText = await readFile(join(written.folder, 'definition.json'), 'utf8');
    expect(definitionText).toContain('\n  {\n    "');
    expect(written.files.map((f) => f.bytes)).toEqual(await Promise.all(written.files.map(async (f) => Buffer.byteLength(await readFile(f.path, 'utf8')))));
  });

  it('gives byte-identical files for the same journey whatever the input key order', async () => {
    const a = await writeJourneyExport(join(dir, 'a'), entity());
    const shuffled = Object.fromEntries(Object.entries(entity()).reverse());
    const b = await writeJourneyExport(join(dir, 'b'), shuffled);
    expect(b.files.map((f) => f.sha256)).toEqual(a.files.map((f) => f.sha256));
  });

  it('reads an export back, keeping input keys off the prototype', async () => {
    const { folder } = await writeJourneyExport(dir, entity());
    const recordFile = join(folder, 'journey.json');
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as Record<string, unknown>;
    await writeFile(recordFile, JSON.stringify(record).replace('{', '{"__proto__":{"polluted":true},'));
    const read = await readJourneyExport(folder);
    expect(read.entity.msdyncrm_name).toBe('Welcome');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(read.references.map((r) => r.kind)).toEqual(['contentSettings', 'email', 'segment']);
    expect(read.definition.length).toBeGreaterThan(1);
  });

  it('refuses an entity without a definition or id, and a folder with broken files, as input errors', async () => {
    await expect(writeJourneyExport(dir, { msdyncrm_customerjourneyid: ID, msdyncrm_name: 'x' })).rejects.toMatchObject({ kind: 'input', location: { pointer: '/msdyncrm_workflowdefinition' } });
    await expect(writeJourneyExport(dir, { msdyncrm_name: 'x' })).rejects.toMatchObject({ kind: 'input' });
    const { folder } = await writeJourneyExport(dir, entity());
    await writeFile(join(folder, 'journey.json'), '{ not json');
    await expect(readJourneyExport(folder)).rejects.toMatchObject({ kind: 'input', location: { file: join(folder, 'journey.json') } });
    await expect(readJourneyExport(join(dir, 'missing'))).rejects.toMatchObject({ kind: 'input', hint: expect.stringContaining('journeys export') });
  });
});
