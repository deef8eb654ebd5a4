/**
 * `journeyctl customapi apply` against an emulator started by the test: create by deep insert,
 * idempotent re-apply (no write), update of changeable columns, refusal of immutable changes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateChannelApi } from '../../src/channels/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';

describe('customapi apply (CLI)', () => {
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    dir = mkdtempSync(join(tmpdir(), 'customapi-apply-'));
  });
  afterAll(() => emulator.close());

  const writeSpec = (name: string, spec: object): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(spec, null, 2));
    return file;
  };
  const writes = (): number => emulator.requestLog.filter((e) => e.method !== 'GET').length;
  const apply = (file: string, ...extra: string[]) => runCli(['customapi', 'apply', file, '--url', emulator.url, '--format', 'json', ...extra]);

  it('creates the API and its members with one deep insert, then re-applies without writing', async () => {
    const spec = generateChannelApi('outbound-channel', { prefix: 'cr65f' });
    const file = writeSpec('outbound.json', spec);
    const created = await apply(file);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const result = JSON.parse(created.stdout) as { action: string; id: string; uniqueName: string };
    expect(result).toMatchObject({ action: 'created', uniqueName: spec.uniqueName });
    const row = emulator.store.get('customapis', result.id);
    expect(row?.values.uniquename).toBe(spec.uniqueName);
    expect(emulator.store.count('customapirequestparameters')).toBe(spec.requestParameters!.length);
    expect(emulator.store.count('customapiresponseproperties')).toBe(spec.responseProperties!.length);
    expect(emulator.requestLog.filter((e) => e.method === 'POST' && /\/customapis(\?|$)/.test(e.path))).toHaveLength(1);

    const before = writes();
    const again = await apply(file);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ action: 'unchanged', id: result.id, changes: [] });
    expect(writes()).toBe(before);
  });

  it('updates the columns that may change and reports them', async () => {
    const spec = { ...generateChannelApi('outbound-channel', { prefix: 'cr65f' }), displayName: 'Outbound SMS (v2)' };
    const updated = await apply(writeSpec('outbound-v2.json', spec));
    expect(updated.code).toBe(0);
    const result = JSON.parse(updated.stdout) as { action: string; id: string; changes: string[] };
    expect(result.action).toBe('updated');
    expect(result.changes).toContain('displayname');
    expect(emulator.store.get('customapis', result.id)?.values.displayname).toBe('Outbound SMS (v2)');
  });

  it('refuses a change of a column that cannot change after saving (exit 2), writing nothing', async () => {
    const base = generateChannelApi('outbound-channel', { prefix: 'cr65f' });
    const before = writes();
    const refused = await apply(writeSpec('outbound-function.json', { ...base, allowedCustomProcessingStepType: 'AsyncOnly' }), '--format', 'text');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot be updated: allowedcustomprocessingsteptype/);
    expect(refused.stderr).toMatch(/delete the custom API/);
    expect(writes()).toBe(before);
  });

  it('refuses a spec that breaks a custom API rule before connecting (exit 2)', async () => {
    const broken = { uniqueName: 'cr65f_Broken', isFunction: true, requestParameters: [], responseProperties: [] };
    const refused = await apply(writeSpec('broken.json', broken));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/breaks \d+ custom API rule/);
    expect(emulator.store.count('customapis')).toBe(1);
  });
});
