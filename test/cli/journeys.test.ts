/**
 * `journeyctl journeys …` end to end: the built CLI as a child process against emulators started
 * in this test process (real HTTP on 127.0.0.1), asserting stdout, stderr and exit codes.
 * Needs `npm run build` first.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataverseClient } from '../../src/dataverse/index.js';
import { journey } from '../../src/definition/index.js';
import { SeedIds, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli, type RunCliOptions } from '../helpers/cli.js';
import { startTestEmulator, testBearerToken } from '../helpers/emulator.js';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const NO_ENV: RunCliOptions['env'] = { DATAVERSE_URL: undefined, DATAVERSE_TOKEN: undefined, JOURNEYCTL_AUTH: undefined };

/** A valid journey record (Web API shape) over the seed's records. */
function recordOver(name: string): Record<string, unknown> {
  const j = journey({ target: 'contact' });
  j.segmentGroup({ title: 'All contacts', include: [{ id: SeedIds.dynamicSegment, name: 'All contacts' }] }).email({ id: SeedIds.welcomeEmail, name: 'Welcome email' });
  const built = j.build();
  return {
    msdyncrm_name: name,
    msdyncrm_entitytarget: 0,
    msdyncrm_workflowdefinition: JSON.stringify(built.definition),
    msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
    'msdyncrm_contentsettingsId@odata.bind': `/msdyncrm_contentsettingss(${SeedIds.defaultContentSettings})`,
  };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const folder of (await readdir(dir)).sort()) {
    for (const file of (await readdir(join(dir, folder))).sort()) out[`${folder}/${file}`] = await readFile(join(dir, folder, file), 'utf8');
  }
  return out;
}

describe('journeyctl journeys', () => {
  let emulator: RunningEmulator;
  let client: DataverseClient;
  let dir: string;
  const cli = (args: string[], options: RunCliOptions = {}) => runCli(['journeys', ...args, '--url', emulator.url, '--quiet'], { env: NO_ENV, ...options });

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: true });
    client = new DataverseClient({ url: emulator.url, auth: { none: true } });
    dir = await mkdtemp(join(tmpdir(), 'journeys-cli-'));
  });
  afterAll(async () => {
    client.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('list prints every journey as a table, and filters by status as JSON', async () => {
    const table = await cli(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+STATUS/);
    expect(table.stdout).toContain('Welcome series (draft)');
    expect(table.stdout).toContain('Monthly newsletter');
    const live = await cli(['list', '--status', 'Live', '--format', 'json']);
    expect(live.code).toBe(0);
    const rows = JSON.parse(live.stdout) as { name: string; statusCode: number }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.statusCode === 192350001)).toBe(true);
    expect(rows.map((r) => r.name)).toContain('Monthly newsletter');
  });

  it('get shows a journey by name or id, with its references', async () => {
    const byName = await cli(['get', 'Welcome series (draft)', '--format', 'json']);
    expect(byName.code).toBe(0);
    const details = JSON.parse(byName.stdout) as { id: string; status: string; references: { kind: string; name: string }[] };
    expect(details.id).toBe(SeedIds.journeys.draft);
    expect(details.status).toMatch(/^Draft/);
    expect(details.references.map((r) => r.kind)).toEqual(expect.arrayContaining(['segment', 'email']));
    const byId = await cli(['get', SeedIds.journeys.live]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/name\s+Monthly newsletter/);
    const missing = await cli(['get', 'No such journey']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no journey is named "No such journey"');
  });

  it('create makes a Draft from a record file; delete removes it', async () => {
    const file = join(dir, 'create.json');
    await writeFile(file, JSON.stringify(recordOver('CLI created')));
    const created = await cli(['create', file, '--format', 'json']);
    expect(created.code, created.stderr).toBe(0);
    const row = JSON.parse(created.stdout) as { id: string; status: string };
    expect(row.status).toMatch(/^Draft/);
    expect((await client.retrieve('msdyncrm_customerjourneys', row.id, { select: ['msdyncrm_name'] })).msdyncrm_name).toBe('CLI created');
    const deleted = await cli(['delete', 'CLI created']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`deleted ${row.id}`);
    // A record that does not exist is bad input (exit 2), not a failing service (exit 3).
    const gone = await cli(['get', row.id]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(new RegExp(`${row.id}.*Does Not Exist`, 'i'));
    expect(gone.stderr).not.toMatch(/^\s+at /m);
  });

  it('create refuses a document that is no journey, with exit 2', async () => {
    const file = join(dir, 'not-a-journey.json');
    await writeFile(file, JSON.stringify({ hello: 'world' }));
    const result = await cli(['create', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not-a-journey.json');
    expect(result.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
  });

  it('apply creates, then a second apply reports unchanged and sends no write', async () => {
    const file = join(dir, 'apply.json');
    await writeFile(file, JSON.stringify(recordOver('CLI applied')));
    const first = await cli(['apply', file, '--format', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { action: string }[])[0]!.action).toBe('created');
    const mark = emulator.requestLog.length;
    const second = await cli(['apply', file]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/unchanged/);
    const writes = emulator.requestLog.slice(mark).filter((e) => WRITES.has(e.method));
    expect(writes).toEqual([]);
  });

  it('go-live takes a valid journey live and waits; stop stops it', async () => {
    const file = join(dir, 'golive.json');
    await writeFile(file, JSON.stringify(recordOver('CLI go-live')));
    expect((await cli(['apply', file])).code).toBe(0);
    const live = await cli(['go-live', 'CLI go-live', '--poll-interval', '0.05', '--format', 'json']);
    expect(live.code, live.stderr).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ operation: 'goLive', result: 'succeeded', statusCode: 192350001 });
    const stopped = await cli(['stop', 'CLI go-live', '--poll-interval', '0.05']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/stop\s+succeeded\s+Stopped/);
  });

  it('go-live of an invalid journey exits 1 with the findings and changes nothing', async () => {
    const j = journey({ target: 'contact' });
    j.segmentGroup({ title: 'All', include: [{ id: SeedIds.dynamicSegment, name: 'All contacts' }] }).email({});
    const built = j.build();
    const { id } = await client.create('msdyncrm_customerjourneys', {
      msdyncrm_name: 'CLI invalid',
      msdyncrm_workflowdefinition: JSON.stringify(built.definition),
      msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
    });
    const result = await cli(['go-live', id, '--poll-interval', '0.05']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^SEVERITY\s+RULE\s+TILE\s+MESSAGE/);
    expect(result.stdout).toMatch(/\berror\b/);
    expect(result.stderr).toContain('was not taken live');
    expect((await client.retrieve('msdyncrm_customerjourneys', id, { select: ['statuscode'] })).statuscode).toBe(192350000);
  });

  it('refuses an invalid transition before any write, naming the allowed ones (exit 2)', async () => {
    const mark = emulator.requestLog.length;
    const result = await cli(['stop', 'Welcome series (draft)']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot stop journey .* it is Draft/);
    expect(result.stderr).toContain('allowed:');
    expect(emulator.requestLog.slice(mark).filter((e) => WRITES.has(e.method))).toEqual([]);
  });

  it('validate runs the server check on a stored journey', async () => {
    const valid = await cli(['validate', 'Welcome series (draft)']);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('result: Valid');
    const json = await cli(['validate', SeedIds.journeys.draft, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ result: 'Valid', findings: [] });
  });

  it('export -> import into a fresh emulator -> export gives identical files; import --dry-run writes nothing', async () => {
    const file = join(dir, 'roundtrip.json');
    await writeFile(file, JSON.stringify(recordOver('CLI round trip')));
    expect((await cli(['apply', file])).code).toBe(0);
    const first = join(dir, 'export-first');
    const exported = await cli(['export', 'CLI round trip', '--out', first]);
    expect(exported.code, exported.stderr).toBe(0);
    const [folder] = await readdir(first);
    expect(folder).toMatch(/^CLI-round-trip-[0-9a-f]{8}$/);
    expect((await readdir(join(first, folder!))).sort()).toEqual(['definition.json', 'designer-state.json', 'journey.json']);

    const fresh = await startTestEmulator({ seed: true });
    try {
      const into = (args: string[]) => runCli(['journeys', ...args, '--url', fresh.url, '--quiet'], { env: NO_ENV });
      const mark = fresh.requestLog.length;
      const dry = await into(['import', first, '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('would create "CLI round trip"');
      expect(dry.stdout).toMatch(/email "Welcome email": /);
      expect(fresh.requestLog.slice(mark).filter((e) => WRITES.has(e.method))).toEqual([]);
      const imported = await into(['import', first]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('created "CLI round trip"');
      const again = await into(['import', first]);
      expect(again.stdout).toContain('unchanged "CLI round trip"');
      const second = join(dir, 'export-second');
      expect((await into(['export', 'CLI round trip', '--out', second])).code).toBe(0);
      expect(await snapshot(second)).toEqual(await snapshot(first));
    } finally {
      await fresh.close();
    }
  });

  it('import shows MISSING references in a dry run (exit 1) and refuses the import (exit 2)', async () => {
    const { id: email } = await client.create('msdyncrm_marketingemails', { msdyncrm_name: 'Only here' });
    const j = journey({ target: 'contact' });
    j.segmentGroup({ title: 'All', include: [{ id: SeedIds.dynamicSegment, name: 'All contacts' }] }).email({ id: email, name: 'Only here' });
    const built = j.build();
    await client.create('msdyncrm_customerjourneys', {
      msdyncrm_name: 'CLI missing ref',
      msdyncrm_workflowdefinition: JSON.stringify(built.definition),
      msdyncrm_customerjourneydesignerstate: JSON.stringify(built.designerState),
    });
    const out = join(dir, 'missing-ref');
    expect((await cli(['export', 'CLI missing ref', '--out', out])).code).toBe(0);
    const fresh = await startTestEmulator({ seed: true });
    try {
      const into = (args: string[]) => runCli(['journeys', ...args, '--url', fresh.url, '--quiet'], { env: NO_ENV });
      const dry = await into(['import', out, '--dry-run']);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toContain('MISSING email "Only here": no msdyncrm_marketingemail with this name');
      const real = await into(['import', out]);
      expect(real.code).toBe(2);
      expect(real.stderr).toContain('not found in the target');
      expect(real.stderr).toMatch(/journey\.json/);
    } finally {
      await fresh.close();
    }
  });

  it('diff compares tile by tile and exits 1 on differences, 0 when the same', async () => {
    const out = join(dir, 'diff');
    expect((await cli(['export', 'Welcome series (draft)', 'Monthly newsletter', '--out', out])).code).toBe(0);
    const folders = (await readdir(out)).sort();
    const draft = join(out, folders.find((f) => f.startsWith('Welcome'))!);
    const newsletter = join(out, folders.find((f) => f.startsWith('Monthly'))!);
    const same = await cli(['diff', draft, 'Welcome series (draft)']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('no differences');
    const differ = await cli(['diff', draft, newsletter]);
    expect(differ.code).toBe(1);
    expect(differ.stdout).toContain('~ field msdyncrm_name: "Welcome series (draft)" -> "Monthly newsletter"');
    expect(differ.stdout).toMatch(/^\* tile Email .* changed: /m);
    const json = await cli(['diff', draft, newsletter, '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as { same: boolean; tiles: { change: string }[] };
    expect(parsed.same).toBe(false);
    expect(parsed.tiles.length).toBeGreaterThan(0);
  });

  it('every subcommand has --help with examples', async () => {
    for (const sub of ['list', 'get', 'create', 'apply', 'delete', 'go-live', 'stop', 'validate', 'export', 'import', 'diff']) {
      const help = await runCli(['journeys', sub, '--help'], { env: NO_ENV });
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain('Examples:');
    }
  });
});

describe('journeyctl journeys: failures and degradation', () => {
  it('go-live that does not finish within --timeout exits 1 with the last state', async () => {
    const slow = await startTestEmulator({ seed: true, transitionDelayMs: 600_000 });
    try {
      const result = await runCli(['journeys', 'go-live', SeedIds.journeys.draft, '--url', slow.url, '--timeout', '1', '--poll-interval', '0.1', '--format', 'json'], { env: NO_ENV });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ id: SeedIds.journeys.draft, operation: 'goLive', statusCode: 192350006 });
      expect(result.stderr).toMatch(/Timed out after 1000 ms .* last seen Going live/);
    } finally {
      await slow.close();
    }
  });

  it('--verbose logs the target and each request but never the token', async () => {
    const emulator = await startTestEmulator({ seed: true });
    try {
      const token = testBearerToken('7f0c7d1e-1111-4222-8333-944455556666');
      const result = await runCli(['journeys', 'list', '--url', emulator.url, '--auth', 'token', '--verbose'], { env: { ...NO_ENV, DATAVERSE_TOKEN: token } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`target: ${emulator.url} (from flag)`);
      expect(result.stderr).toMatch(/GET .*msdyncrm_customerjourneys/);
      expect(result.stderr).not.toContain(token);
      expect(result.stderr).not.toContain(token.split('.')[1]!);
    } finally {
      await emulator.close();
    }
  });

  it('an unreachable URL exits 3 with what, where and what to do', async () => {
    const result = await runCli(['journeys', 'list', '--url', 'http://127.0.0.1:9'], { env: NO_ENV });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot reach Dataverse at http://127.0.0.1:9');
    expect(result.stderr).toMatch(/hint: check --url/);
  });

  it('where outbound marketing was removed, validate and go-live explain it and exit 3', async () => {
    const removed = await startTestEmulator({ seed: true, profile: 'outbound-removed' });
    try {
      for (const sub of ['validate', 'go-live']) {
        const result = await runCli(['journeys', sub, SeedIds.journeys.draft, '--url', removed.url], { env: NO_ENV });
        expect(result.code, sub).toBe(3);
        expect(result.stderr, sub).toContain('outbound marketing was removed');
        expect(result.stderr, sub).toContain('journeyctl validate');
        expect(result.stderr, sub).toContain('journeyctl audit');
      }
    } finally {
      await removed.close();
    }
  });

  it('without a URL uses the embedded emulator under .journeyctl/, says so on stderr, and keeps its data', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'journeys-embedded-'));
    try {
      const list = await runCli(['journeys', 'list', '--format', 'json'], { cwd, env: NO_ENV });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).toContain('using the embedded emulator');
      expect(list.stderr.trim().split('\n')).toHaveLength(1);
      expect((JSON.parse(list.stdout) as unknown[]).length).toBeGreaterThan(0);
      expect(existsSync(join(cwd, '.journeyctl'))).toBe(true);
      await writeFile(join(cwd, 'j.json'), JSON.stringify(recordOver('Embedded journey')));
      expect((await runCli(['journeys', 'apply', 'j.json'], { cwd, env: NO_ENV })).code).toBe(0);
      const again = await runCli(['journeys', 'get', 'Embedded journey', '--format', 'json', '--quiet'], { cwd, env: NO_ENV });
      expect(again.code).toBe(0);
      expect(again.stderr).toBe('');
      expect(JSON.parse(again.stdout)).toMatchObject({ name: 'Embedded journey' });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('a journeyctl.config.json above the working directory supplies the URL; --url beats it', async () => {
    const emulator = await startTestEmulator({ seed: true });
    const root = await mkdtemp(join(tmpdir(), 'journeys-config-'));
    try {
      await writeFile(join(root, 'journeyctl.config.json'), JSON.stringify({ url: emulator.url }));
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(root, 'sub'));
      const fromConfig = await runCli(['journeys', 'list', '--format', 'json'], { cwd: join(root, 'sub'), env: NO_ENV });
      expect(fromConfig.code, fromConfig.stderr).toBe(0);
      expect(fromConfig.stderr).not.toContain('embedded');
      const overridden = await runCli(['journeys', 'list', '--url', 'http://127.0.0.1:9'], { cwd: join(root, 'sub'), env: NO_ENV });
      expect(overridden.code).toBe(3);
      await writeFile(join(root, 'journeyctl.config.json'), JSON.stringify({ url: emulator.url, clientSecret: 'x' }));
      const secret = await runCli(['journeys', 'list'], { cwd: join(root, 'sub'), env: NO_ENV });
      expect(secret.code).toBe(2);
      expect(secret.stderr).toContain('secrets do not belong in journeyctl.config.json');
      expect(secret.stderr).not.toContain("'x'");
    } finally {
      await emulator.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
