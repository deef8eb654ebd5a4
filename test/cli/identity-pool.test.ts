/**
 * The CLI with a pool of identities: `--client-id` three times and `--auth token`, each token
 * from DATAVERSE_TOKEN_n (never argv), against an emulator with tight per-caller
 * service-protection limits. The export completes with 0 failures and the emulator's request log
 * shows the requests spread over the three callers. Spawns the built CLI.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { JourneyClient } from '../../src/journeys/index.js';
import { startTestEmulator, testBearerToken } from '../helpers/emulator.js';
import { validDraft } from '../helpers/journeys.js';
import { runCli } from '../helpers/cli.js';

const OIDS = ['aaaaaaaa-1111-4111-8111-111111111111', 'bbbbbbbb-2222-4222-8222-222222222222', 'cccccccc-3333-4333-8333-333333333333'];
const CLIENT_IDS = ['11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '33333333-cccc-4ccc-8ccc-cccccccccccc'];
const JOURNEYS = 30;
const NO_PROXY = { http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' };

describe('journeyctl with a pool of identities', () => {
  let emulator: RunningEmulator;
  let cwd: string;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'journeyctl-pool-'));
    emulator = await startTestEmulator({ seed: true });
    const seeder = new DataverseClient({ url: emulator.url, auth: { none: true } });
    const journeys = new JourneyClient(seeder);
    for (let i = 0; i < JOURNEYS; i++) await journeys.create(validDraft(`Pooled ${i}`));
    seeder.close();
    // Per caller: 25 requests per 2 s window; a single identity would be throttled many times.
    emulator.setLimits({ windowMs: 2000, maxRequests: 25, maxExecutionMs: 1_000_000, maxConcurrent: 52 });
    tokens = Object.fromEntries(OIDS.map((oid, i) => [`DATAVERSE_TOKEN_${i + 1}`, testBearerToken(oid)]));
  });
  afterAll(async () => {
    await emulator?.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('exports every journey with 0 failures, its requests spread over the three callers', async () => {
    const before = emulator.requestLog.length;
    const out = join(cwd, 'export');
    const args = ['journeys', 'export', '--all', '--out', out, '--url', emulator.url, '--auth', 'token', ...CLIENT_IDS.flatMap((id) => ['--client-id', id]), '--verbose', '-f', 'json'];
    const result = await runCli(args, { cwd, env: { ...NO_PROXY, ...tokens, DATAVERSE_URL: '', DATAVERSE_TOKEN: '', JOURNEYCTL_AUTH: '' }, timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const exported = JSON.parse(result.stdout) as { id: string }[];
    // The seeded journeys and the 30 created here.
    const stored = emulator.store.count('msdyncrm_customerjourneys');
    expect(stored).toBeGreaterThanOrEqual(JOURNEYS);
    expect(exported).toHaveLength(stored);
    expect((await readdir(out)).length).toBe(stored);

    const log = emulator.requestLog.slice(before);
    const byCaller = new Map<string, number>();
    for (const entry of log) byCaller.set(entry.user, (byCaller.get(entry.user) ?? 0) + 1);
    // Every request came from one of the pool, and each of the three did a real share of the work.
    expect([...byCaller.keys()].sort()).toEqual([...OIDS].sort());
    const total = log.length;
    // More work than one identity may send in a window, and more than the three together.
    expect(total).toBeGreaterThan(3 * 25);
    for (const oid of OIDS) expect(byCaller.get(oid)!).toBeGreaterThan(total / 6);
    // No request failed for good: every 429 was retried (on another identity) and nothing else failed.
    expect(log.filter((e) => e.status >= 400 && e.status !== 429)).toEqual([]);

    // --verbose names the identities by client id and never prints a token.
    for (const id of CLIENT_IDS) expect(result.stderr).toContain(`identity ${id}:`);
    for (const token of Object.values(tokens)) expect(result.stderr + result.stdout).not.toContain(token);
  }, 150_000);

  it('refuses a pool whose secret is missing, naming the variable, before any request', async () => {
    const before = emulator.requestLog.length;
    const { DATAVERSE_TOKEN_3: _missing, ...two } = tokens;
    const result = await runCli(['journeys', 'list', '--url', emulator.url, '--auth', 'token', ...CLIENT_IDS.flatMap((id) => ['--client-id', id])], {
      cwd,
      env: { ...NO_PROXY, ...two, DATAVERSE_TOKEN_3: '', DATAVERSE_URL: '', DATAVERSE_TOKEN: '', JOURNEYCTL_AUTH: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATAVERSE_TOKEN_3');
    expect(emulator.requestLog.length).toBe(before);
  });

  it('refuses a pool with an auth mode that has no per-identity credentials', async () => {
    const result = await runCli(['journeys', 'list', '--url', emulator.url, '--auth', 'device-code', '--client-id', CLIENT_IDS[0]!, '--client-id', CLIENT_IDS[1]!], {
      cwd,
      env: { ...NO_PROXY, DATAVERSE_URL: '', JOURNEYCTL_AUTH: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs --auth client-secret, certificate, token, managed-identity');
    expect(existsSync(join(cwd, '.journeyctl'))).toBe(false);
  });

  it('a saved connection keeps the pool and the names of its secret variables (never a secret) and spreads the work the same way', async () => {
    const home = await mkdtemp(join(tmpdir(), 'journeyctl-pool-home-'));
    try {
      const secrets = { APP1_TOKEN: tokens.DATAVERSE_TOKEN_1!, APP2_TOKEN: tokens.DATAVERSE_TOKEN_2!, APP3_TOKEN: tokens.DATAVERSE_TOKEN_3! };
      const env = { ...NO_PROXY, ...secrets, XDG_CONFIG_HOME: home, APPDATA: home, DATAVERSE_URL: '', DATAVERSE_TOKEN: '', JOURNEYCTL_AUTH: '', AZURE_CLIENT_ID: '' };
      const create = await runCli(
        ['auth', 'create', '--name', 'pool', '--url', emulator.url, '--auth', 'token', ...CLIENT_IDS.flatMap((id) => ['--client-id', id]), ...Object.keys(secrets).flatMap((v) => ['--secret-variable', v])],
        { cwd, env },
      );
      expect(create.code, create.stderr).toBe(0);
      const saved = await readFile(join(home, 'journeyctl', 'connections.json'), 'utf8');
      expect(JSON.parse(saved).connections[0]).toEqual({ name: 'pool', url: emulator.url, auth: 'token', clientId: CLIENT_IDS[0], clientIds: CLIENT_IDS, secretVariables: Object.keys(secrets) });
      for (const token of Object.values(tokens)) expect(saved).not.toContain(token);

      const before = emulator.requestLog.length;
      const out = join(cwd, 'export-saved');
      const result = await runCli(['journeys', 'export', '--all', '--out', out, '-f', 'json'], { cwd, env, timeoutMs: 120_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('using the saved connection "pool"');
      const users = new Set(emulator.requestLog.slice(before).map((e) => e.user));
      expect([...users].sort()).toEqual([...OIDS].sort());

      // A variable name is required, not a value; and variables name the secrets of a pool only.
      const bad = await runCli(['auth', 'create', '--name', 'bad', '--url', emulator.url, '--auth', 'token', '--client-id', 'a', '--client-id', 'b', '--secret-variable', 'eyJ.value-not-a-name'], { cwd, env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('is not an environment variable name');
      const single = await runCli(['auth', 'create', '--name', 'one', '--url', emulator.url, '--auth', 'client-secret', '--client-id', 'a', '--secret-variable', 'X'], { cwd, env });
      expect(single.code).toBe(2);
      // A pool needs a mode with credentials per identity, said when it is saved.
      const deviceCodePool = await runCli(['auth', 'create', '--name', 'dc', '--url', emulator.url, '--auth', 'device-code', '--client-id', 'a', '--client-id', 'b'], { cwd, env });
      expect(deviceCodePool.code).toBe(2);
      expect(deviceCodePool.stderr).toContain('not device-code');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 150_000);
});
