/**
 * Owners through Microsoft Graph (the emulator's Graph subset) and the archive: every journey in
 * the export format with a manifest whose checksums match the files; a re-run is safe.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, graphDirectory, MANIFEST_FILE, runAudit, WORK_FILES } from '../../src/audit/index.js';
import { DataverseClient } from '../../src/dataverse/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { readJourneyExport } from '../../src/journeys/exportFormat.js';
import { auditStep } from '../../src/demo/steps/audit.js';
import type { DemoContext } from '../../src/demo/steps.js';
import { AUDIT_SEED_IDS, seedAuditData, type AuditSeedExpectations } from '../helpers/auditSeed.js';
import { startTestEmulator } from '../helpers/emulator.js';

let emulator: RunningEmulator;
let client: DataverseClient;
let seed: AuditSeedExpectations;
let dir: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  seed = seedAuditData(emulator, 40);
  client = new DataverseClient({ url: emulator.url });
  dir = await mkdtemp(join(tmpdir(), 'audit-owners-'));
});

afterAll(async () => {
  client?.close();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('owners', () => {
  it('without Graph, uses the system user table: disabled and missing users', async () => {
    const outcome = await runAudit(client, { outDir: join(dir, 'plain'), formats: ['json'] });
    expect(outcome.summary.risks['owner-disabled']).toBe(seed.ownerDisabled);
    expect(outcome.summary.risks['owner-missing']).toBe(seed.ownerMissing);
  });

  it('with Graph, also flags owners whose Entra account is gone', async () => {
    const tokens: number[] = [];
    const before = emulator.requestLog.length;
    const directory = graphDirectory({
      graphUrl: emulator.url,
      getToken: async () => {
        tokens.push(1);
        return 'test-token';
      },
    });
    const outcome = await runAudit(client, { outDir: join(dir, 'graph'), formats: ['json'], directory });
    expect(seed.ownerMissingWithGraph).toBeGreaterThan(seed.ownerMissing);
    expect(outcome.summary.risks['owner-missing']).toBe(seed.ownerMissingWithGraph);
    expect(outcome.summary.risks['owner-disabled']).toBe(seed.ownerDisabled);
    const graphCalls = emulator.requestLog.slice(before).filter((e) => e.path.includes('v1.0/users/'));
    // One lookup per distinct owner with an Entra object id (active and disabled users).
    expect(graphCalls.map((e) => e.method)).toEqual(['GET', 'GET']);
    // The Graph client attaches tokens to https hosts only: none is asked for or sent over plain http.
    expect(tokens).toEqual([]);
    const report = JSON.parse(await readFile(join(dir, 'graph', 'audit-report.json'), 'utf8'));
    const gone = report.journeys.filter((j: { ownerId: string }) => j.ownerId === AUDIT_SEED_IDS.goneUser);
    expect(gone.length).toBeGreaterThan(0);
    for (const j of gone) expect(j.risks).toContain('owner-missing');
  });
});

describe('archive', () => {
  it('writes every journey with a manifest whose checksums match, and a re-run is safe', async () => {
    const archiveDir = join(dir, 'archive');
    const first = await runAudit(client, { outDir: join(dir, 'a1'), formats: ['json'], archiveDir, sourceUrl: emulator.url, toolVersion: '9.9.9' });
    expect(first.archive?.journeys).toBe(seed.journeys);
    const manifest = JSON.parse(await readFile(join(archiveDir, MANIFEST_FILE), 'utf8'));
    expect(manifest.count).toBe(seed.journeys);
    expect(manifest.source).toBe(emulator.url);
    expect(manifest.tool.version).toBe('9.9.9');
    expect(manifest.journeys.map((j: { id: string }) => j.id).sort()).toEqual([...seed.ids].sort());
    for (const entry of manifest.journeys.slice(0, 10)) {
      expect(entry.files).toHaveLength(3);
      for (const file of entry.files) {
        const bytes = await readFile(join(archiveDir, file.path));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
        expect(bytes.length).toBe(file.bytes);
      }
      const back = await readJourneyExport(join(archiveDir, entry.folder));
      expect(back.entity.msdyncrm_customerjourneyid).toBe(entry.id);
      expect(back.definition.length).toBeGreaterThan(1);
    }
    await runAudit(client, { outDir: join(dir, 'a2'), formats: ['json'], archiveDir, sourceUrl: emulator.url, toolVersion: '9.9.9' });
    const again = JSON.parse(await readFile(join(archiveDir, MANIFEST_FILE), 'utf8'));
    expect(again.journeys).toEqual(manifest.journeys);
  });
});

describe('demo step', () => {
  it('audits the emulator and prints the summary and where the reports are', async () => {
    const lines: string[] = [];
    const context = {
      journeys: [],
      print: (text: string) => lines.push(text),
      connection: { client, emulator, target: { url: emulator.url, embedded: true }, readOnly: false, close: async () => {} },
      createdJourneyIds: [],
      outputDir: join(dir, 'demo'),
    } as unknown as DemoContext;
    await auditStep.run(context);
    expect(lines[0]).toBe(`audited ${seed.journeys} journeys (${Object.entries(seed.byStatus).sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s} ${n}`).join(', ')})`);
    expect(lines.some((l) => l.startsWith('report: ') && l.endsWith('audit-report.html'))).toBe(true);
    expect(lines.some((l) => l.startsWith(`archive: ${seed.journeys} journeys`))).toBe(true);
  });
});

describe('resume after a crash in the middle of a page', () => {
  it('drops the rows written after the checkpoint and ends with the same report', async () => {
    const strip = (r: Record<string, unknown>) => ({ ...r, generatedAt: undefined, startedAt: undefined });
    await runAudit(client, { outDir: join(dir, 'whole'), formats: ['json', 'csv'], pageSize: 7 });
    const whole = JSON.parse(await readFile(join(dir, 'whole', 'audit-report.json'), 'utf8'));

    const out = join(dir, 'crashed');
    const first = await runAudit(client, { outDir: out, formats: ['json', 'csv'], pageSize: 7, stopAfterPages: 2 });
    expect(first.completed).toBe(false);
    expect(JSON.parse(await readFile(join(out, CHECKPOINT_FILE), 'utf8')).summary.journeys).toBe(14);
    // Rows of a third page that was being written when the process died.
    await appendFile(join(out, WORK_FILES.journeys), '{"id":"half-written","name":"x"}\n{"id":"tr');
    await appendFile(join(out, WORK_FILES.references), '{"journeyId":"half-written"}\n');
    const second = await runAudit(client, { outDir: out, formats: ['json', 'csv'], pageSize: 7, resume: true });
    expect(second.completed).toBe(true);
    const resumed = JSON.parse(await readFile(join(out, 'audit-report.json'), 'utf8'));
    expect(strip(resumed)).toEqual(strip(whole));
    expect(await readFile(join(out, 'audit-journeys.csv'), 'utf8')).toBe(await readFile(join(dir, 'whole', 'audit-journeys.csv'), 'utf8'));
  });

  it('refuses to resume when a work file is gone', async () => {
    const out = join(dir, 'lost');
    await runAudit(client, { outDir: out, formats: ['json'], pageSize: 7, stopAfterPages: 1 });
    await rm(join(out, WORK_FILES.journeys));
    await expect(runAudit(client, { outDir: out, formats: ['json'], resume: true })).rejects.toMatchObject({ kind: 'input' });
  });
});
