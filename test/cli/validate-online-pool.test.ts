/**
 * `validate --online` with a pool of identities, as every connected command: `--client-id`
 * repeated, or `clientIds` in journeyctl.config.json when no `--client-id` is given; each
 * identity's token from DATAVERSE_TOKEN_n (never argv). Spawns the built CLI against an emulator
 * that tells callers apart by the token's `oid`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, testBearerToken } from '../helpers/emulator.js';
import { validDraft } from '../helpers/journeys.js';

const OIDS = ['aaaaaaaa-1111-4111-8111-111111111111', 'bbbbbbbb-2222-4222-8222-222222222222'];
const CLIENT_IDS = ['11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb'];
const FILES = 6;
/** No proxy for loopback, and nothing from the developer's environment choosing the connection. */
const CLEAN_ENV = { http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', DATAVERSE_URL: '', DATAVERSE_TOKEN: '', JOURNEYCTL_AUTH: '', AZURE_CLIENT_ID: '' };

describe('validate --online with a pool of identities', () => {
  let emulator: RunningEmulator;
  let dir: string;
  let files: string[];
  let tokens: Record<string, string>;

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: true });
    dir = await mkdtemp(join(tmpdir(), 'validate-online-pool-'));
    files = [];
    for (let i = 0; i < FILES; i++) {
      const { fields, definition, designerState } = validDraft(`Pooled ${i}`);
      const file = join(dir, `journey-${i}.json`);
      await writeFile(file, JSON.stringify({ ...fields, msdyncrm_workflowdefinition: JSON.stringify(definition), msdyncrm_customerjourneydesignerstate: JSON.stringify(designerState) }));
      files.push(file);
    }
    tokens = Object.fromEntries(OIDS.map((oid, i) => [`DATAVERSE_TOKEN_${i + 1}`, testBearerToken(oid)]));
  });
  afterAll(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The callers of the validate requests sent since `from`. */
  const validateCallers = (from: number): string[] => [
    ...new Set(
      emulator.requestLog
        .slice(from)
        .filter((entry) => entry.path.includes('msdyncrm_CustomerJourneyValidate'))
        .map((entry) => entry.user),
    ),
  ];

  it('takes --client-id repeated, each identity with its numbered token', async () => {
    const before = emulator.requestLog.length;
    const args = ['validate', '--online', '--url', emulator.url, '--auth', 'token', '--client-id', CLIENT_IDS[0]!, '--client-id', CLIENT_IDS[1]!, '--verbose', ...files];
    const result = await runCli(args, { cwd: dir, env: { ...CLEAN_ENV, ...tokens } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`identities: a pool of 2 (${CLIENT_IDS.join(', ')}), auth token`);
    const callers = validateCallers(before);
    expect(callers.length).toBeGreaterThan(0);
    for (const caller of callers) expect(OIDS).toContain(caller);
    for (const token of Object.values(tokens)) expect(result.stderr + result.stdout).not.toContain(token);
  });

  it('names the missing variable of an identity before any request', async () => {
    const before = emulator.requestLog.length;
    const result = await runCli(['validate', '--online', '--url', emulator.url, '--auth', 'token', '--client-id', CLIENT_IDS[0]!, '--client-id', CLIENT_IDS[1]!, files[0]!], {
      cwd: dir,
      env: { ...CLEAN_ENV, DATAVERSE_TOKEN_1: tokens.DATAVERSE_TOKEN_1!, DATAVERSE_TOKEN_2: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATAVERSE_TOKEN_2');
    expect(emulator.requestLog.length).toBe(before);
  });

  describe('clientIds in journeyctl.config.json', () => {
    let project: string;
    beforeAll(async () => {
      project = await mkdtemp(join(tmpdir(), 'validate-online-config-pool-'));
      await writeFile(join(project, 'journeyctl.config.json'), JSON.stringify({ url: emulator.url, auth: 'token', clientIds: CLIENT_IDS }));
    });
    afterAll(async () => {
      await rm(project, { recursive: true, force: true });
    });

    it('is the pool when no --client-id is given', async () => {
      const before = emulator.requestLog.length;
      const result = await runCli(['validate', '--online', '--verbose', ...files], { cwd: project, env: { ...CLEAN_ENV, ...tokens } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`identities: a pool of 2 (${CLIENT_IDS.join(', ')}), auth token`);
      for (const caller of validateCallers(before)) expect(OIDS).toContain(caller);
    });

    it('is the pool of other connected commands too, and --client-id replaces it', async () => {
      const listed = await runCli(['journeys', 'list', '--verbose', '-f', 'json'], { cwd: project, env: { ...CLEAN_ENV, ...tokens } });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stderr).toContain(`identities: a pool of 2 (${CLIENT_IDS.join(', ')})`);

      const before = emulator.requestLog.length;
      const single = await runCli(['validate', '--online', '--verbose', '--client-id', CLIENT_IDS[1]!, files[0]!], {
        cwd: project,
        env: { ...CLEAN_ENV, DATAVERSE_TOKEN: tokens.DATAVERSE_TOKEN_2! },
      });
      expect(single.code, single.stderr).toBe(0);
      expect(single.stderr).not.toContain('identities: a pool');
      expect(validateCallers(before)).toEqual([OIDS[1]]);
    });

    it('says where a pool that cannot be formed came from', async () => {
      await writeFile(join(project, 'other.json'), JSON.stringify({ url: emulator.url, auth: 'device-code', clientIds: CLIENT_IDS }));
      const result = await runCli(['journeys', 'list', '--config', 'other.json'], { cwd: project, env: CLEAN_ENV });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('"clientIds" in');
      expect(result.stderr).toContain('other.json');
    });
  });
});
