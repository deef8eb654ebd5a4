/** Connection settings: flags beat the environment beat journeyctl.config.json; the file holds no secrets. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfigFile, parseConfig, resolveSettings } from '../../src/cli/config.js';

describe('resolveSettings', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cli-config-'));
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    await writeFile(join(root, 'journeyctl.config.json'), JSON.stringify({ url: 'https://from-config.crm.dynamics.com', auth: 'azure-cli', tenantId: 'tenant-config' }));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the configuration file searching upward', () => {
    expect(findConfigFile(join(root, 'a', 'b'))).toBe(join(root, 'journeyctl.config.json'));
  });

  it('takes the URL from the config file when neither flag nor environment gives one', () => {
    const s = resolveSettings({}, {}, join(root, 'a', 'b'));
    expect(s).toMatchObject({ url: 'https://from-config.crm.dynamics.com', urlSource: 'config', auth: 'azure-cli', tenantId: 'tenant-config' });
  });

  it('lets the environment beat the file and flags beat both', () => {
    const env = { DATAVERSE_URL: 'https://from-env.crm.dynamics.com', JOURNEYCTL_AUTH: 'default', AZURE_TENANT_ID: 'tenant-env' };
    expect(resolveSettings({}, env, root)).toMatchObject({ url: 'https://from-env.crm.dynamics.com', urlSource: 'environment', auth: 'default', tenantId: 'tenant-env' });
    expect(resolveSettings({ url: 'https://from-flag.crm.dynamics.com', auth: 'none' }, env, root)).toMatchObject({
      url: 'https://from-flag.crm.dynamics.com',
      urlSource: 'flag',
      auth: 'none',
    });
  });

  it('gives no URL (the embedded emulator) when nothing names one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cli-config-empty-'));
    try {
      const s = resolveSettings({}, {}, empty);
      if (s.configFile === undefined) expect(s).toMatchObject({ url: undefined, urlSource: 'default' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('uses --config FILE instead of searching', async () => {
    await writeFile(join(root, 'other.json'), JSON.stringify({ url: 'https://other.crm.dynamics.com' }));
    expect(resolveSettings({ config: 'other.json' }, {}, root).url).toBe('https://other.crm.dynamics.com');
  });

  it('takes the pool from clientIds (its first id is the client id) unless AZURE_CLIENT_ID names one application', async () => {
    await writeFile(join(root, 'pool.json'), JSON.stringify({ url: 'https://pool.crm.dynamics.com', auth: 'client-secret', clientIds: ['app-1', 'app-2'] }));
    expect(resolveSettings({ config: 'pool.json' }, {}, root)).toMatchObject({ clientId: 'app-1', clientIds: ['app-1', 'app-2'] });
    const single = resolveSettings({ config: 'pool.json' }, { AZURE_CLIENT_ID: 'app-env' }, root);
    expect(single.clientId).toBe('app-env');
    expect(single.clientIds).toBeUndefined();
    expect(resolveSettings({}, {}, root).clientIds).toBeUndefined();
  });

  it('refuses unknown auth modes from flags or environment', () => {
    expect(() => resolveSettings({ auth: 'password' }, {}, root)).toThrow(/unknown --auth "password"/);
    expect(() => resolveSettings({}, { JOURNEYCTL_AUTH: 'magic' }, root)).toThrow(/unknown JOURNEYCTL_AUTH/);
  });
});

describe('parseConfig', () => {
  it('refuses secrets, unknown keys and wrong types with a pointer', () => {
    expect(() => parseConfig({ clientSecret: 's3cret' }, 'c.json')).toThrow(expect.objectContaining({ kind: 'input', location: { file: 'c.json', pointer: '/clientSecret' } }));
    expect(() => parseConfig({ token: 'abc' })).toThrow(/secrets do not belong/);
    expect(() => parseConfig({ urll: 'x' })).toThrow(expect.objectContaining({ message: 'unknown configuration key "urll"', hint: expect.stringContaining('known keys') }));
    expect(() => parseConfig({ url: 42 })).toThrow(/must be a non-empty string/);
    expect(() => parseConfig({ auth: 'kerberos' })).toThrow(/unknown auth mode/);
    expect(() => parseConfig([])).toThrow(/must be a JSON object/);
  });

  it('never copies prototype keys', () => {
    expect(() => parseConfig(JSON.parse('{"__proto__": {"url": "x"}}'))).toThrow(/unknown configuration key "__proto__"/);
    expect(({} as Record<string, unknown>).url).toBeUndefined();
  });

  it('reads clientIds as a list of distinct client ids, refusing anything else with a pointer', () => {
    expect(parseConfig({ clientIds: [' a ', 'b'] }).clientIds).toEqual(['a', 'b']);
    expect(() => parseConfig({ clientIds: 'a' }, 'c.json')).toThrow(expect.objectContaining({ name: 'InputError', location: { file: 'c.json', pointer: '/clientIds' } }));
    expect(() => parseConfig({ clientIds: [] })).toThrow(/non-empty array/);
    expect(() => parseConfig({ clientIds: ['a', 7] })).toThrow(expect.objectContaining({ location: { pointer: '/clientIds/1' } }));
    expect(() => parseConfig({ clientIds: ['a', 'a'] })).toThrow(/listed twice/);
    expect(() => parseConfig({ clientId: 'a', clientIds: ['a', 'b'] })).toThrow(expect.objectContaining({ message: expect.stringContaining('both "clientId" and "clientIds"'), location: { pointer: '/clientId' } }));
  });

  it('resolves a certificate path relative to the file', () => {
    expect(parseConfig({ certificatePath: 'certs/app.pem' }, join('/', 'proj', 'journeyctl.config.json')).certificatePath).toBe(join('/', 'proj', 'certs', 'app.pem'));
  });
});
