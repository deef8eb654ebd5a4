/**
 * `journeyctl channel receive` and `channel serve` as processes: they print `listening on <url>`
 * first, take HTTP requests, and stop cleanly on SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { exactlyOnceProblems, populateActivities, testClient } from '../helpers/channelActivities.js';

const http = axios.create({ proxy: false, validateStatus: () => true });

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function spawnServer(args: readonly string[]): Promise<Spawned> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, output: () => ({ stdout, stderr }), exited });
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
}

describe('channel receive / serve (CLI)', () => {
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: true });
    dir = mkdtempSync(join(tmpdir(), 'channel-servers-'));
  });
  afterAll(() => emulator.close());

  it('receive: reports posted receipts through the ledger and prints a summary on SIGINT', async () => {
    const client = testClient(emulator);
    const { activityRowIds } = await populateActivities(client, 6);
    client.close();
    const server = await spawnServer(['channel', 'receive', '--url', emulator.url, '--port', '0', '--ledger', join(dir, 'r.sqlite'), '--format', 'json']);
    const receipts = activityRowIds.flatMap((activityId) => [
      { activityId, responseType: 'sent' },
      { activityId, responseType: 'delivered' },
    ]);
    const answer = await http.post(`${server.url}/receipts`, receipts);
    expect(answer.status).toBe(202);
    expect(answer.data).toEqual({ accepted: receipts.length, duplicates: 0 });
    // Reporting runs after the answer; wait until the ledger has nothing pending.
    for (let i = 0; i < 200 && (await http.get(`${server.url}/health`)).data.pending > 0; i++) await new Promise((r) => setTimeout(r, 25));
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    const summary = JSON.parse(server.output().stdout.split('\n')[1]!) as { reported: number; pending: number };
    expect(summary).toMatchObject({ reported: receipts.length, pending: 0 });
    const seedRows = emulator.store.count('msdyncrm_customerjourneycustomchannelactivities') - activityRowIds.length;
    // Only the seed's own activities (no receipts posted for them) lack interactions.
    expect(exactlyOnceProblems(emulator)).toHaveLength(2 * seedRows);
  });

  it('serve: forwards a delivery report and answers 400 with a pointer for a broken one', async () => {
    const client = testClient(emulator);
    const { id: definitionId } = await client.create('msdyn_channeldefinitions', { msdyn_name: 'SMS', msdyn_channeltype: 'SMS', msdyn_outboundendpointurltemplate: '/x' });
    client.close();
    const server = await spawnServer(['channel', 'serve', '--url', emulator.url, '--port', '0']);
    const ok = await http.post(`${server.url}/notifications`, { ChannelDefinitionId: definitionId, RequestId: 'q', MessageId: 'm', From: '+1', Status: 'NotDelivered', Details: { Reason: 'Blocked', Message: 'carrier' } });
    expect(ok.status).toBe(200);
    const broken = await http.post(`${server.url}/notifications`, { ChannelDefinitionId: definitionId, MessageId: 'm', From: '+1', Status: 'Delivered' });
    expect(broken.status).toBe(400);
    expect(broken.data.error).toMatch(/RequestId/);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(emulator.store.count('emulator_channelmessages')).toBe(1);
  });
});
