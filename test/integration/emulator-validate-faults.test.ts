/**
 * The emulator's msdyncrm_CustomerJourneyValidate names faults as Dataverse does where Microsoft
 * documents the name, and with its own `Emulator…` names (docs/emulator.md) otherwise, never
 * with journeyctl rule ids; it reports referenced records that are missing or not live, and
 * go-live of such a journey ends in Error with those faults. The CLI prints messages, not codes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeedIds } from '../../src/emulator/index.js';
import { JourneyStatus as S } from '../../src/model/optionSets.js';
import { RULES } from '../../src/validation/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { withEmulator } from '../helpers/emulator.js';

const documentedFaults = new Set(['ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations']);
const listedInDocs = readFileSync(join(repoRoot, 'docs', 'emulator.md'), 'utf8');

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}/api/data/v9.2/${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('fault names of the emulator check', () => {
  it('uses the documented name, else a name docs/emulator.md lists; never a rule id; reports missing and not-live references', async () => {
    await withEmulator({ seed: true }, async (emulator) => {
      const body = JSON.parse(readFileSync(join(repoRoot, 'samples', 'seed-validate-request.json'), 'utf8')) as Record<string, unknown>;
      body.FieldValueName = 'x'.repeat(120);
      body.FieldValueContentSettingsId = SeedIds.sampleContentSettings;
      const answer = await call(emulator.url, 'POST', 'msdyncrm_CustomerJourneyValidate', body);
      expect(answer.status).toBe(200);
      const entries = JSON.parse(answer.json.ValidationResult).ActivityValidationResults as { Fault: string; ErrorMessageArguments: string[] }[];
      const faults = entries.map((e) => e.Fault);
      expect(faults).toContain('ErrorRecurringCampaignEndDateDoesNotFitRequestedIterations');
      expect(faults).toContain('EmulatorJourneyName');
      expect(faults).toContain('EmulatorSegmentMissing');
      expect(faults).toContain('EmulatorEmailMissing');
      const ruleIds = new Set(RULES.map((r) => r.id));
      for (const fault of faults) {
        expect(ruleIds.has(fault) && !documentedFaults.has(fault), `${fault} is a rule id`).toBe(false);
        if (!documentedFaults.has(fault)) expect(listedInDocs, `${fault} is not listed in docs/emulator.md`).toContain(`\`${fault}\``);
      }
    });
  });

  it('go-live of a journey whose email is not live ends in Error with that fault', async () => {
    await withEmulator({ seed: true }, async (emulator) => {
      const draft = await call(emulator.url, 'GET', `msdyncrm_customerjourneys(${SeedIds.journeys.draft})?$select=msdyncrm_workflowdefinition`);
      const definition = String(draft.json.msdyncrm_workflowdefinition).replaceAll(SeedIds.welcomeEmail, SeedIds.invitationEmail);
      // The invitation email goes back to Draft: the journey's email is then unusable.
      expect((await call(emulator.url, 'PATCH', `msdyncrm_marketingemails(${SeedIds.invitationEmail})`, { statuscode: S.Draft })).status).toBe(204);
      expect((await call(emulator.url, 'PATCH', `msdyncrm_customerjourneys(${SeedIds.journeys.draft})`, { msdyncrm_workflowdefinition: definition })).status).toBe(204);
      expect((await call(emulator.url, 'PATCH', `msdyncrm_customerjourneys(${SeedIds.journeys.draft})`, { statuscode: S.GoingLive })).status).toBe(204);
      let row: any;
      for (let i = 0; i < 200; i++) {
        row = (await call(emulator.url, 'GET', `msdyncrm_customerjourneys(${SeedIds.journeys.draft})?$select=statuscode,msdyncrm_validationresults`)).json;
        if (row.statuscode !== S.GoingLive) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(row.statuscode).toBe(S.Error);
      expect(JSON.parse(row.msdyncrm_validationresults).ActivityValidationResults.map((e: { Fault: string }) => e.Fault)).toContain('EmulatorEmailNotLive');
    });
  });

  it('validate --online prints each finding’s message and tile, never a bare code', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'validate-faults-'));
    const result = await runCli(['validate', '--online', join(repoRoot, 'samples', 'invalid', 'name-too-long.record.json')], { cwd });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('The server reported');
    expect(result.stdout).toMatch(/The journey name is \d+ characters long/);
    expect(result.stdout).toMatch(/The email "[^"]+" \([0-9a-f-]+\) does not exist/);
    expect(result.stdout).toContain('01_0_2');
  });
});
