/**
 * The `validate --online` path (`validateFilesOnline`): local documents checked by the server's
 * msdyncrm_CustomerJourneyValidate on an emulator over real HTTP, reported like offline findings.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import { validateFilesOnline } from '../../src/journeys/index.js';
import { collectReport } from '../../src/validation/index.js';
import { journey } from '../../src/definition/index.js';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';

function record(name: string, configured: boolean): Record<string, unknown> {
  const j = journey({ target: 'contact' });
  j.segmentGroup({ title: 'All', include: [{ id: SeedIds.dynamicSegment, name: 'All contacts' }] }).email(configured ? { id: SeedIds.welcomeEmail, name: 'Welcome email' } : {});
  const built = j.build();
  return {
    msdyncrm_name: name,
    msdyncrm_workflowdefinition: JSON.stringify(built.definition),
    msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
    'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${SeedIds.defaultContentSettings})`,
  };
}

const clientOf = (url: string): DataverseClient => new DataverseClient({ url, auth: { none: true } });

describe('validateFilesOnline', () => {
  let emulator: RunningEmulator;
  let removed: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    [emulator, removed] = await Promise.all([startTestEmulator({ seed: true }), startTestEmulator({ seed: true, profile: 'outbound-removed' })]);
    dir = await mkdtemp(join(tmpdir(), 'online-validate-'));
    await writeFile(join(dir, 'good.json'), JSON.stringify(record('Good', true)));
    await writeFile(join(dir, 'bad.json'), JSON.stringify(record('Bad', false)));
  });
  afterAll(async () => {
    await Promise.all([emulator.close(), removed.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the server findings per file, located in the file, like the offline report', async () => {
    const run = validateFilesOnline([join(dir, 'good.json'), join(dir, 'bad.json')], clientOf(emulator.url));
    const report = await collectReport(run);
    expect(run.inputErrors).toEqual([]);
    const [good, bad] = report.files;
    expect(good!.findings).toEqual([]);
    expect(bad!.findings.length).toBeGreaterThan(0);
    expect(bad!.findings.some((f) => f.severity === 'error')).toBe(true);
    expect(bad!.findings.every((f) => f.location.file === join(dir, 'bad.json'))).toBe(true);
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(emulator.requestLog.some((e) => e.path.includes('msdyncrm_CustomerJourneyValidate'))).toBe(true);
  });

  it('explains an environment without outbound marketing as a service error', async () => {
    await expect(collectReport(validateFilesOnline([join(dir, 'good.json')], clientOf(removed.url)))).rejects.toMatchObject({
      kind: 'service',
      message: expect.stringContaining('outbound marketing was removed'),
      hint: expect.stringContaining('journeyctl audit'),
    });
  });

  it('is what `journeyctl validate --online` runs, with the exit-code contract in every format', async () => {
    const good = await runCli(['validate', '--online', '--url', emulator.url, join(dir, 'good.json')]);
    expect(good.code).toBe(0);
    const bad = await runCli(['validate', '--online', '--url', emulator.url, '--format', 'json', join(dir, 'bad.json')]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { summary: { errors: number }; files: { path: string; findings: unknown[] }[] };
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(report.files[0]!.path).toContain('bad.json');
    const sarif = await runCli(['validate', '--online', '--url', emulator.url, '--format', 'sarif', join(dir, 'bad.json')]);
    expect(sarif.code).toBe(1);
    expect((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results.length).toBeGreaterThan(0);
    const gone = await runCli(['validate', '--online', '--url', removed.url, join(dir, 'good.json')]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('outbound marketing was removed');
    expect(gone.stderr).not.toMatch(/^\s+at /m);
  });

  it('treats a missing path as a usage error', async () => {
    await expect(collectReport(validateFilesOnline([join(dir, 'missing.json')], clientOf(emulator.url)))).rejects.toMatchObject({ kind: 'input', reason: 'not-found' });
  });
});
