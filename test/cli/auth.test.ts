/**
 * `journeyctl auth create|list|select|delete`: saved connections in the user's config folder
 * (XDG_CONFIG_HOME set to a temporary folder), never a secret, and the selected one used when no
 * --url or DATAVERSE_URL is given. Spawns the built CLI; needs `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';

describe('journeyctl auth', () => {
  let home: string;
  let cwd: string;
  let emulator: RunningEmulator;
  const env = () => ({ XDG_CONFIG_HOME: home, APPDATA: home, DATAVERSE_URL: '', DATAVERSE_TOKEN: '', JOURNEYCTL_AUTH: '', AZURE_CLIENT_SECRET: 'must-never-be-saved' });
  const run = (args: string[]) => runCli(args, { cwd, env: env() });
  const file = () => join(home, 'journeyctl', 'connections.json');

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'journeyctl-auth-home-'));
    cwd = await mkdtemp(join(tmpdir(), 'journeyctl-auth-cwd-'));
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
    await rm(home, { recursive: true, force: true });
    await rm(cwd, { recursive: true, force: true });
  });

  it('creates, lists and selects connections in the config folder, without secrets', async () => {
    const created = await run(['auth', 'create', '--name', 'contoso-dev', '--url', 'https://contoso-dev.crm4.dynamics.com', '--auth', 'device-code', '--tenant', 'contoso.onmicrosoft.com', '--client-id', '51f81489-12ee-4a9e-aaae-a2591f45987d']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('saved "contoso-dev" (selected)');
    const local = await run(['auth', 'create', '--name', 'local', '--url', emulator.url, '--auth', 'none', '--no-select']);
    expect(local.code, local.stderr).toBe(0);
    expect(existsSync(file())).toBe(true);
    const text = readFileSync(file(), 'utf8');
    expect(text).not.toContain('must-never-be-saved');
    expect(JSON.parse(text)).toMatchObject({ selected: 'contoso-dev' });

    const listed = await run(['auth', 'list', '-f', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: 'contoso-dev', url: 'https://contoso-dev.crm4.dynamics.com', auth: 'device-code', tenantId: 'contoso.onmicrosoft.com', clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d', selected: true },
      { name: 'local', url: emulator.url, auth: 'none', selected: false },
    ]);
    const table = await run(['auth', 'list']);
    expect(table.stdout).toMatch(/\*\s+contoso-dev/);
  });

  it('uses the selected connection when no --url or DATAVERSE_URL is given', async () => {
    const selected = await run(['auth', 'select', 'local']);
    expect(selected.code, selected.stderr).toBe(0);
    const listed = await run(['journeys', 'list', '-f', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toContain('using the saved connection "local"');
    expect(listed.stderr).not.toContain('embedded emulator');
    expect(Array.isArray(JSON.parse(listed.stdout))).toBe(true);
    // --url wins over the saved connection.
    const flagged = await run(['journeys', 'list', '-f', 'json', '--url', emulator.url]);
    expect(flagged.stderr).not.toContain('saved connection');
  });

  it('deletes, and refuses unknown names and bad URLs with exit 2', async () => {
    expect((await run(['auth', 'delete', 'local'])).code).toBe(0);
    const missing = await run(['auth', 'select', 'local']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no saved connection is named "local"');
    const bad = await run(['auth', 'create', '--name', 'x', '--url', 'not a url']);
    expect(bad.code).toBe(2);
    const listed = await run(['auth', 'list', '-f', 'json']);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((c) => c.name)).toEqual(['contoso-dev']);
  });
});
