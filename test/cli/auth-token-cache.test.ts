/**
 * Device-code sign-in without @azure/identity-cache-persistence installed (as in this
 * repository): the CLI says once, before any prompt, that tokens are not kept and what to do.
 * Nothing outside the machine is contacted: every HTTPS request goes to a proxy on a closed
 * loopback port, so the sign-in then fails with exit code 3. Spawns the built CLI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('device-code sign-in without the persistent token cache plugin', () => {
  let home: string;
  let proxy: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'journeyctl-token-cache-'));
    proxy = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('says once that tokens are not kept, how to keep them, and saves no sign-in record', async () => {
    const result = await runCli(['journeys', 'list', '--url', 'https://contoso.crm4.dynamics.com', '--auth', 'device-code'], {
      cwd: home,
      env: {
        XDG_CONFIG_HOME: home,
        APPDATA: home,
        DATAVERSE_URL: '',
        DATAVERSE_TOKEN: '',
        JOURNEYCTL_AUTH: '',
        HTTPS_PROXY: proxy,
        https_proxy: proxy,
        HTTP_PROXY: proxy,
        http_proxy: proxy,
        NO_PROXY: '',
        no_proxy: '',
      },
    });
    expect(result.code, result.stderr).toBe(3);
    const notes = result.stderr.split('\n').filter((line) => line.startsWith('note: sign-in tokens are not kept'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('@azure/identity-cache-persistence, which is not installed');
    expect(notes[0]).toContain('npm i -g @azure/identity-cache-persistence');
    expect(notes[0]).toContain('--auth azure-cli');
    expect(result.stderr).not.toMatch(/Bearer|eyJ/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(home, 'journeyctl', 'signins.json'))).toBe(false);
  }, 60_000);
});
